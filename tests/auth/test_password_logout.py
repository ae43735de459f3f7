"""Signing out: from the app at once, from another site only after a confirmation click."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from auth_helpers import browser_headers, sign_in


def signed_in(client: httpx.Client, app: str) -> bool:
    return client.get(f"{app}/config").status_code == 200


def test_a_link_from_another_site_asks_before_signing_out(
    password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app("/ui")
    sign_in(client, app, "alice", "wonderland-42")
    # <img src="https://our.app/ui/logout"> or a link on another site: nothing happens without a click.
    for site in ("cross-site", "same-site"):
        asked = client.get(f"{app}/logout", headers={"Sec-Fetch-Site": site})
        assert asked.status_code == 200
        assert '<form method="post" action="logout">' in asked.text
        assert 'name="all_session" value="true"' in asked.text
        assert "set-cookie" not in asked.headers
        assert (
            "<script" not in asked.text and "default-src 'none'" in asked.headers["content-security-policy"]
        )
        assert signed_in(client, app)
    asked = client.get(f"{app}/logout?all_session=false", headers={"Sec-Fetch-Site": "cross-site"})
    assert 'name="all_session" value="false"' in asked.text

    # The confirmation button posts from our own page: that signs out.
    confirmed = client.post(f"{app}/logout", data={"all_session": "true"}, headers=browser_headers(app))
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/ui/login"
    assert not signed_in(client, app)


def test_a_typed_or_in_app_logout_signs_out_at_once(
    password_app: Callable[..., str], clients: Callable[[], httpx.Client]
) -> None:
    app = password_app()
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {}):
        client = clients()
        sign_in(client, app, "bob", "builder-77")
        response = client.get(f"{app}/logout", headers=headers)
        assert response.status_code == 303 and response.headers["location"] == "/login"
        assert not signed_in(client, app)


def test_a_cross_site_post_to_logout_is_refused(
    password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app()
    sign_in(client, app, "alice", "wonderland-42")
    for headers in (
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
    ):
        response = client.post(f"{app}/logout", data={"all_session": "true"}, headers=headers)
        assert response.status_code == 403
        assert "set-cookie" not in response.headers
        assert signed_in(client, app)


def test_logout_without_a_session_just_goes_to_the_form(
    password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app("/ui")
    response = client.get(f"{app}/logout")
    assert response.status_code == 303 and response.headers["location"] == "/ui/login"
    assert client.get(f"{app}/login").status_code == 200


def test_the_logout_button_points_to_logout_relative_to_the_page(
    password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app("/deep/mount/ui")
    sign_in(client, app, "alice", "wonderland-42")
    [button] = [c for c in client.get(f"{app}/config").json()["components"] if c["type"] == "LogoutButton"]
    assert button["value"] == "Sign out"
    assert button["props"]["href"] == "logout"  # resolved against the page: /deep/mount/ui/logout
