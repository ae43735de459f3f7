"""Who may sign in: allowed_emails, allowed_domains (verified emails only) and allow(profile)."""

from __future__ import annotations

import logging

import pytest
from oauth_helpers import call, session_cookies, sign_in


@pytest.fixture(autouse=True)
def auth_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="mountui.auth")
    return caplog


def whoami(client, server) -> dict:
    return call(client, server.url, "whoami").json()["data"][0]


def test_a_user_of_an_allowed_domain_signs_in(oauth_server, client):
    server = oauth_server(allowed_domains=["example.com"])

    answer = sign_in(client, server.url, "alice")

    assert answer.status_code == 303 and len(session_cookies(answer)) == 1
    assert whoami(client, server)["email"] == "alice@example.com"


def test_a_user_of_another_domain_is_refused(oauth_server, client, auth_log):
    server = oauth_server(allowed_domains=["@Example.com"])

    answer = sign_in(client, server.url, "bob")

    assert answer.status_code == 403
    assert "The account bob@other.test is not allowed to use this app." in answer.text
    assert session_cookies(answer) == []
    assert "bob@other.test is not in allowed_emails or allowed_domains" in auth_log.text
    # A domain rule makes the app require sign-in: the refused user cannot use it anonymously either.
    assert call(client, server.url, "whoami").status_code == 401


def test_an_unverified_email_at_an_allowed_domain_is_refused(oauth_server, client, auth_log):
    server = oauth_server(allowed_domains=["example.com"])

    answer = sign_in(client, server.url, "mallory")

    assert answer.status_code == 403
    assert "mallory@example.com is not allowed" in answer.text
    assert session_cookies(answer) == []
    assert "the email address mallory@example.com is not verified by Test ID" in auth_log.text


def test_allowed_emails(oauth_server, clients):
    server = oauth_server(allowed_emails=["Bob@Other.test"])

    assert sign_in(clients(), server.url, "bob").status_code == 303
    assert sign_in(clients(), server.url, "alice").status_code == 403
    assert sign_in(clients(), server.url, "mallory").status_code == 403


def test_an_async_allow_function_sees_the_profile(oauth_server, clients):
    seen = []

    async def allow(profile) -> bool:
        seen.append(dict(profile))
        return profile.name.startswith("Alice")

    server = oauth_server(allow=allow)

    assert sign_in(clients(), server.url, "alice").status_code == 303
    assert sign_in(clients(), server.url, "bob").status_code == 403
    assert [p["email"] for p in seen] == ["alice@example.com", "bob@other.test"]
    assert seen[0]["email_verified"] is True and seen[0]["sub"] == "alice"


def test_allow_must_say_true_and_an_error_refuses(oauth_server, clients, auth_log):
    truthy = oauth_server(allow=lambda profile: "yes")
    assert sign_in(clients(), truthy.url, "alice").status_code == 403

    def broken(profile) -> bool:
        raise RuntimeError("the allow list database is down")

    failing = oauth_server(allow=broken)
    answer = sign_in(clients(), failing.url, "alice")

    assert answer.status_code == 403 and session_cookies(answer) == []
    assert "the allow() check raised" in auth_log.text


def test_a_domain_rule_and_allow_must_both_pass(oauth_server, clients):
    server = oauth_server(
        allowed_domains=["example.com", "other.test"], allow=lambda p: p.email != "bob@other.test"
    )

    assert sign_in(clients(), server.url, "alice").status_code == 303
    assert sign_in(clients(), server.url, "bob").status_code == 403
