"""Signing in as a user does: the password form, or the headers a host's `auth_dependency` reads."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request

import mountui
from mountui.testing import UITester, UITestError

SECRET = "testing-secret-key-that-is-long-enough-0123456789"


def whoami_demo() -> mountui.Blocks:
    def who(request: mountui.Request) -> str:
        return f"Signed in as {request.username}"

    with mountui.Blocks(title="Members") as demo:
        out = mountui.Textbox(label="Who")
        demo.load(who, None, out)
        mountui.Button("Again").click(who, None, out)
    return demo


def test_password_sign_in_through_the_login_form(mountui_ui):
    app = FastAPI()
    mountui.mount_ui_app(app, whoami_demo(), "/team", auth=[("alice", "s3cret")], secret_key=SECRET)

    ui = mountui_ui(app, "/team", auth=("alice", "s3cret"))
    assert ui.username == "alice"
    assert ui.value("Who") == "Signed in as alice"
    ui.click("Again")
    assert ui.value("Who") == "Signed in as alice" and ui.error is None

    with pytest.raises(UITestError, match="could not sign in as 'alice'"):
        mountui_ui(app, "/team", auth=("alice", "wrong"))
    with pytest.raises(UITestError, match=r"not signed in; pass auth=\(username, password\)"):
        mountui_ui(app, "/team")


def test_headers_sign_in_to_an_auth_dependency(mountui_ui):
    tokens = {"token-of-bob": "bob"}

    def user_of(request: Request) -> str | None:
        return tokens.get(request.headers.get("authorization", "").removeprefix("Bearer "))

    app = FastAPI()
    mountui.mount_ui_app(app, whoami_demo(), "/ui", auth_dependency=user_of)

    ui = mountui_ui(app, headers={"Authorization": "Bearer token-of-bob"})
    assert ui.value("Who") == "Signed in as bob"
    with pytest.raises(UITestError, match="not signed in"):
        UITester(app, "/ui", headers={"Authorization": "Bearer forged"})
