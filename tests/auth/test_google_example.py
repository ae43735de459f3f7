"""examples/google_oauth_host.py: a host doing its own Google login, with mountui asking it who is there.

Google cannot be reached from the tests, so the callback's only effect, the host's signed session cookie,
is made here with the host's key; everything else is the example as written, on a real server.
"""

from __future__ import annotations

import base64
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from itsdangerous import TimestampSigner

from mountui.testing import UITester

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "google_oauth_host.py"
HOST_KEY = "host-session-key-for-the-example-test-0123456789"


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.delenv("GOOGLE_CLIENT_ID", raising=False)
    monkeypatch.delenv("GOOGLE_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("SESSION_SECRET_KEY", HOST_KEY)
    spec = importlib.util.spec_from_file_location("google_oauth_host_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # builds without Google credentials
    return module


def host_session(user: dict[str, str]) -> str:
    """The cookie Starlette's SessionMiddleware sets after the example's /auth callback stored `user`."""
    data = base64.b64encode(json.dumps({"user": user}).encode())
    return TimestampSigner(HOST_KEY).sign(data).decode()


def test_strangers_see_only_the_public_login_ui(
    example: ModuleType, serve: Callable[..., str], client: httpx.Client
) -> None:
    base = serve(example.app)
    assert client.get(f"{base}/").headers["location"] == "/login-demo/"
    login_ui = client.get(f"{base}/login-demo/config")
    assert login_ui.status_code == 200
    [button] = [c for c in login_ui.json()["components"] if c["type"] == "Button"]
    assert button["props"]["link"] == "/login"
    main = client.get(f"{base}/ui/")
    assert main.status_code == 303 and main.headers["location"] == "/login-demo/"
    assert client.get(f"{base}/ui/config").status_code == 401
    assert client.post(f"{base}/ui/api/greet", json={"data": []}).status_code == 401
    # Without credentials the host says what to configure instead of failing obscurely.
    missing = client.get(f"{base}/login")
    assert missing.status_code == 503 and "GOOGLE_CLIENT_ID" in missing.text


def test_a_signed_in_user_is_greeted_and_can_sign_out(
    example: ModuleType, serve: Callable[..., str], client: httpx.Client
) -> None:
    base = serve(example.app)
    client.cookies.set("session", host_session({"email": "ann@example.com", "name": "Ann"}), "127.0.0.1")
    assert client.get(f"{base}/").headers["location"] == "/ui/"
    with UITester(base, "/ui", headers={"Cookie": f"session={client.cookies['session']}"}) as ui:
        assert ui.username == "ann@example.com"
        assert ui.text("Markdown") == "Welcome, ann@example.com!"  # the load event greeted her

    assert client.get(f"{base}/logout", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.get(f"{base}/ui/config").status_code == 200
    assert client.get(f"{base}/logout").headers["location"] == "/login-demo/"
    assert client.get(f"{base}/ui/config").status_code == 401


def test_a_forged_host_session_is_refused(
    example: ModuleType, serve: Callable[..., str], client: httpx.Client
) -> None:
    base = serve(example.app)
    data = base64.b64encode(json.dumps({"user": {"email": "root@example.com"}}).encode())
    client.cookies.set("session", TimestampSigner("not-the-host-key-xxxxxxxxxxxxxxxxxxx").sign(data).decode())
    assert client.get(f"{base}/ui/config").status_code == 401
