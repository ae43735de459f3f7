"""Sign-in sessions and the login throttle on a turned clock (`mountui/auth/sessions.py`, `password.py`):
expiry, the "last seen" time, and the lock after too many failures, without waiting for any of them.
"""

from __future__ import annotations

import httpx
import pytest
from inprocess import serving
from support.clock import FakeClock

import mountui
from mountui.server.app import UIApp, build_app

pytestmark = pytest.mark.anyio

SECRET = "a-unit-test-secret-key-that-is-long-enough-0123"


def password_app(clock: FakeClock, **settings: object) -> UIApp:
    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(lambda text: text, box, box, api_name="echo")
    return build_app(demo, auth=[("ann", "ann-password")], secret_key=SECRET, clock=clock, **settings)


async def sign_in(client: httpx.AsyncClient, password: str = "ann-password") -> httpx.Response:
    return await client.post("/login", data={"username": "ann", "password": password})


async def session_record(app: UIApp, client: httpx.AsyncClient) -> dict[str, object] | None:
    [cookie] = [c.value for c in client.cookies.jar if c.name.startswith("mountui-session")]
    assert app.sessions is not None
    login_session_id = app.sessions.serializer.loads(cookie)
    return await app.store.get(f"session:{login_session_id}")


async def test_a_session_ends_session_max_age_after_sign_in_however_busy(clock: FakeClock) -> None:
    app = password_app(clock, session_max_age=3600)
    async with serving(app) as client:
        assert (await sign_in(client)).status_code == 303
        for _ in range(3):  # use does not extend it
            clock.advance(1199)
            assert (await client.get("/config")).status_code == 200
        clock.advance(3)
        assert (await client.get("/config")).status_code == 401


async def test_last_seen_is_written_at_most_once_a_minute(clock: FakeClock) -> None:
    app = password_app(clock)
    async with serving(app) as client:
        await sign_in(client)
        signed_in_at = clock()
        record = await session_record(app, client)
        assert record is not None
        assert record["created"] == record["last_seen"] == signed_in_at
        clock.advance(60)
        await client.get("/config")
        assert (await session_record(app, client))["last_seen"] == signed_in_at  # type: ignore[index]
        clock.advance(1)
        await client.get("/config")
        assert (await session_record(app, client))["last_seen"] == signed_in_at + 61  # type: ignore[index]


async def test_too_many_failures_lock_the_username_for_the_window(clock: FakeClock) -> None:
    app = password_app(clock, max_login_attempts=3, login_attempt_window=600)
    async with serving(app) as client:
        for _ in range(3):
            assert (await sign_in(client, "a-guess")).status_code == 401
        locked = await sign_in(client)
        assert (locked.status_code, locked.headers["retry-after"]) == (429, "600")
        assert "Try again in 10 minutes." in locked.text
        clock.advance(599)
        again = await sign_in(client)
        assert (again.status_code, again.headers["retry-after"]) == (429, "1")
        assert "Try again in 1 second." in again.text
        clock.advance(1)
        assert (await sign_in(client)).status_code == 303
