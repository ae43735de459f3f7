"""Guessing passwords is slowed down: per username and per client address, with Retry-After, then reset."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from auth_helpers import browser_headers
from support.clock import FakeClock

LIMIT = {"max_login_attempts": 3, "login_attempt_window": 60.0}


def attempt(client: httpx.Client, app: str, username: str, password: str, address: str) -> httpx.Response:
    # The test server trusts X-Forwarded-For from loopback, as a server behind a trusted proxy would.
    headers = {**browser_headers(app), "X-Forwarded-For": address}
    return client.post(f"{app}/login", data={"username": username, "password": password}, headers=headers)


def test_failed_sign_ins_lock_the_username_then_the_lock_ends(
    password_app: Callable[..., str], client: httpx.Client, clock: FakeClock
) -> None:
    app = password_app(**LIMIT, clock=clock)
    for _ in range(3):
        assert attempt(client, app, "alice", "guess", "198.51.100.1").status_code == 401
    # The third failure started a lock of one window (60 s).
    # Past the limit even the right password is refused, from any address, and the form says why.
    locked = attempt(client, app, "alice", "wonderland-42", "198.51.100.2")
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "60"
    assert "Try again in 1 minute." in locked.text
    assert "Too many failed sign-ins. Try again in" in locked.text
    assert "set-cookie" not in locked.headers
    # Another user is not locked out by alice's attacker (different address too).
    assert attempt(client, app, "bob", "builder-77", "198.51.100.3").status_code == 303

    clock.advance(59)
    assert attempt(client, app, "alice", "wonderland-42", "198.51.100.1").status_code == 429
    clock.advance(1)
    assert attempt(client, app, "alice", "wonderland-42", "198.51.100.1").status_code == 303


def test_failed_sign_ins_lock_the_client_address(
    password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app(**LIMIT)
    # One address trying many usernames (password spraying).
    for username in ("root", "admin", "test"):
        assert attempt(client, app, username, "123456", "203.0.113.9").status_code == 401
    assert attempt(client, app, "alice", "wonderland-42", "203.0.113.9").status_code == 429
    # alice herself, elsewhere, is not affected.
    assert attempt(client, app, "alice", "wonderland-42", "203.0.113.10").status_code == 303


def test_a_successful_sign_in_resets_the_username_count(
    password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app(max_login_attempts=3, login_attempt_window=60)
    for address in ("192.0.2.1", "192.0.2.2"):  # two typos from two places, then the right password
        assert attempt(client, app, "alice", "typo", address).status_code == 401
        assert attempt(client, app, "alice", "typo", address).status_code == 401
        assert attempt(client, app, "alice", "wonderland-42", address).status_code == 303


def test_the_default_limit_is_five_failures(password_app: Callable[..., str], client: httpx.Client) -> None:
    app = password_app()
    statuses = [attempt(client, app, "alice", f"guess-{i}", "192.0.2.50").status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]
    assert (
        890 <= int(attempt(client, app, "alice", "wonderland-42", "192.0.2.51").headers["retry-after"]) <= 900
    )


def test_a_forwarded_prefix_does_not_reset_the_count(
    password_app: Callable[..., str], client: httpx.Client
) -> None:
    """The throttle and the session binding use the server's own mount path, not one a request names."""
    app = password_app(**LIMIT)
    for n in range(3):
        headers = {
            **browser_headers(app),
            "X-Forwarded-For": f"198.51.100.{20 + n}",
            "X-Forwarded-Prefix": f"/p{n}",
        }
        response = client.post(
            f"{app}/login", data={"username": "alice", "password": "guess"}, headers=headers
        )
        assert response.status_code == 401
    headers = {**browser_headers(app), "X-Forwarded-For": "198.51.100.30", "X-Forwarded-Prefix": "/other"}
    locked = client.post(f"{app}/login", data={"username": "alice", "password": "guess"}, headers=headers)
    assert locked.status_code == 429
