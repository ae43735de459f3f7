"""Sign-in sessions: ending one or all, replayed and forged cookies, expiry, and two UIs in one host."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from auth_helpers import SECRET, USERS, greeting_demo, sign_in
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer
from support.clock import FakeClock

import mountui
from mountui.errors import ConfigError
from mountui.store import MemoryStore


def signed_in(client: httpx.Client, app: str) -> bool:
    response = client.get(f"{app}/config")
    assert response.status_code in (200, 401)
    return response.status_code == 200


def session_cookie(client: httpx.Client) -> tuple[str, str]:
    [(name, value)] = [(c.name, c.value) for c in client.cookies.jar if c.name.startswith("mountui-session")]
    return name, value


def test_logout_ends_every_session_of_the_user_or_only_this_one(
    password_app: Callable[..., str], clients: Callable[[], httpx.Client]
) -> None:
    app = password_app()
    laptop, phone, tablet, bobs = clients(), clients(), clients(), clients()
    for device in (laptop, phone, tablet):
        assert sign_in(device, app, "alice", "wonderland-42").status_code == 303
    assert sign_in(bobs, app, "bob", "builder-77").status_code == 303

    # This session only: the laptop is out, alice's other devices are still in.
    assert laptop.get(f"{app}/logout", params={"all_session": "false"}).status_code == 303
    assert not signed_in(laptop, app)
    assert signed_in(phone, app) and signed_in(tablet, app)

    # Every session (the default): all of alice's devices are out, bob is not touched.
    assert phone.get(f"{app}/logout").status_code == 303
    assert not signed_in(phone, app) and not signed_in(tablet, app)
    assert signed_in(bobs, app)


def test_an_old_cookie_is_refused_after_logout(
    password_app: Callable[..., str], clients: Callable[[], httpx.Client]
) -> None:
    app = password_app("/ui")
    browser = clients()
    sign_in(browser, app, "alice", "wonderland-42")
    name, value = session_cookie(browser)
    browser.get(f"{app}/logout", params={"all_session": "false"})

    thief = clients()
    thief.cookies.set(name, value)
    assert thief.get(f"{app}/config").status_code == 401
    assert thief.post(f"{app}/api/greet", json={"data": ["x"]}).status_code == 401
    page = thief.get(f"{app}/")
    assert page.status_code == 303 and page.headers["location"].startswith("/ui/login?next=")


def test_forged_and_tampered_cookies_are_refused(
    password_app: Callable[..., str], clients: Callable[[], httpx.Client]
) -> None:
    app = password_app()
    browser = clients()
    sign_in(browser, app, "alice", "wonderland-42")
    name, value = session_cookie(browser)
    assert signed_in(browser, app)

    payload, stamp, signature = value.rsplit(".", 2)
    # The first character: the last one of a base64 signature may carry unused bits, and a change there can
    # decode to the same bytes (a valid signature, a flaky test).
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    other_key = URLSafeTimedSerializer("another-secret-key-of-plenty-of-characters", salt="mountui.session")
    right_key = URLSafeTimedSerializer(SECRET, salt="mountui.session")
    forged = {
        "garbage": "not-a-cookie",
        "tampered signature": f"{payload}.{stamp}.{flipped}",
        "tampered payload": f"{payload[:-2]}xx.{stamp}.{signature}",
        "signed with another key": other_key.dumps(session_cookie(browser)[1]),
        "an id never issued, correctly signed": right_key.dumps("made-up-session-id-0123456789abcdef"),
        "the username instead of an id": right_key.dumps("alice"),
    }
    for what, cookie in forged.items():
        intruder = clients()
        intruder.cookies.set(name, cookie)
        assert intruder.get(f"{app}/config").status_code == 401, what
    assert signed_in(browser, app)  # the real session is untouched


def test_sessions_expire(password_app: Callable[..., str], client: httpx.Client, clock: FakeClock) -> None:
    app = password_app(session_max_age=60, clock=clock)
    assert "Max-Age=60;" in sign_in(client, app, "alice", "wonderland-42").headers["set-cookie"]
    clock.advance(59)
    assert signed_in(client, app)
    clock.advance(2)
    name, value = session_cookie(client)
    client.cookies.set(name, value)  # a browser would drop it; a copied cookie is tried anyway
    assert not signed_in(client, app)


def test_two_uis_in_one_host_with_different_auth(
    serve: Callable[..., str], clients: Callable[[], httpx.Client]
) -> None:
    host = FastAPI()

    def by_header(request: object) -> str | None:
        return getattr(request, "headers", {}).get("x-user")

    mountui.mount_ui_app(host, greeting_demo(), "/team", auth=[("ann", "team-pass-1")], secret_key=SECRET)
    mountui.mount_ui_app(host, greeting_demo(), "/admin", auth=[("ann", "admin-pass-2")], secret_key=SECRET)
    mountui.mount_ui_app(host, greeting_demo(), "/sso", auth_dependency=by_header)
    base = serve(host)
    team, admin, sso = f"{base}/team", f"{base}/admin", f"{base}/sso"

    browser = clients()
    assert sign_in(browser, team, "ann", "admin-pass-2").status_code == 401  # each UI has its own users
    assert sign_in(browser, team, "ann", "team-pass-1").status_code == 303
    assert signed_in(browser, team) and not signed_in(browser, admin)
    team_cookie = session_cookie(browser)

    assert sign_in(browser, admin, "ann", "admin-pass-2").status_code == 303
    cookies = {c.name: c.path for c in browser.cookies.jar}
    assert len(cookies) == 2 and set(cookies.values()) == {"/team/", "/admin/"}  # nothing clobbered
    assert signed_in(browser, team) and signed_in(browser, admin)

    # The team cookie presented to the admin UI, under the admin cookie's name, is refused.
    admin_name = next(name for name, path in cookies.items() if path == "/admin/")
    intruder = clients()
    intruder.cookies.set(admin_name, team_cookie[1])
    assert not signed_in(intruder, admin)

    # Signing out of one UI leaves the other signed in; the third one knows only its header.
    assert browser.get(f"{team}/logout").headers["location"] == "/team/login"
    assert not signed_in(browser, team) and signed_in(browser, admin)
    assert browser.get(f"{sso}/config").status_code == 401
    assert browser.get(f"{sso}/config", headers={"X-User": "zoe"}).json()["username"] == "zoe"
    assert browser.get(f"{sso}/login").status_code == 401  # no password login there


def test_two_uis_sharing_one_store_do_not_accept_each_others_sessions(
    serve: Callable[..., str], clients: Callable[[], httpx.Client]
) -> None:
    shared = MemoryStore()  # as two UIs of one host sharing one Redis would
    host = FastAPI()
    for path in ("/team", "/admin"):
        mountui.mount_ui_app(
            host, greeting_demo(), path, auth=[("ann", "pass-1234")], secret_key=SECRET, store=shared
        )
    base = serve(host)
    browser = clients()
    assert sign_in(browser, f"{base}/team", "ann", "pass-1234").status_code == 303
    [team_cookie] = list(browser.cookies.jar)
    other = clients()
    assert sign_in(other, f"{base}/admin", "ann", "pass-1234").status_code == 303
    [admin_cookie] = list(other.cookies.jar)
    assert admin_cookie.name != team_cookie.name
    intruder = clients()
    intruder.cookies.set(admin_cookie.name, team_cookie.value)  # same key, same store: only the mount differs
    assert not signed_in(intruder, f"{base}/admin")
    assert signed_in(browser, f"{base}/team") and signed_in(other, f"{base}/admin")


def test_two_workers_with_one_secret_and_one_store_share_sign_ins(
    serve: Callable[..., str], clients: Callable[[], httpx.Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOUNTUI_SECRET_KEY", SECRET)
    shared = MemoryStore()  # stands in for Redis: what matters is that both workers use the same one
    first = serve(greeting_demo().build_app(auth=USERS, store=shared))
    second = serve(greeting_demo().build_app(auth=USERS, store=shared))
    browser = clients()
    sign_in(browser, first, "alice", "wonderland-42")
    name, value = session_cookie(browser)
    other = clients()
    other.cookies.set(name, value)
    assert other.get(f"{second}/config").json()["username"] == "alice"
    # A rotated key list (old key still accepted, new key signs) keeps the session valid.
    monkeypatch.delenv("MOUNTUI_SECRET_KEY")
    rotated = serve(greeting_demo().build_app(auth=USERS, store=shared, secret_key=[SECRET, "n" * 40]))
    assert other.get(f"{rotated}/config").json()["username"] == "alice"


def test_without_a_secret_key_sign_in_works_for_this_process_with_a_warning(
    serve: Callable[..., str],
    client: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("MOUNTUI_SECRET_KEY", raising=False)
    app = serve(greeting_demo().build_app(auth=USERS))
    assert "no secret_key set" in caplog.text
    sign_in(client, app, "alice", "wonderland-42")
    assert signed_in(client, app)


@pytest.mark.parametrize("key", ["short", "changeme", "x" * 10])
def test_a_weak_secret_key_fails_at_start_up(key: str) -> None:
    with pytest.raises(ConfigError, match="secret_key"):
        greeting_demo().build_app(auth=USERS, secret_key=key)
