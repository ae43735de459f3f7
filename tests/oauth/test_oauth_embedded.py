"""OAuth sign-in of an app configured to be embedded by other sites (`allowed_origins`)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import httpx
from oauth_helpers import PASSWORDS, form_action, session_cookies, sign_in


def test_oauth_sign_in_of_an_embeddable_app_sets_a_partitioned_cookie(oauth_server, client):
    server = oauth_server(mount="/ui", settings={"allowed_origins": ["https://docs.example"]})
    answer = sign_in(client, server.url, "alice")
    assert answer.status_code == 303, answer.text
    (set_cookie,) = session_cookies(answer)
    attributes = {part.strip().lower() for part in set_cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=none", "partitioned", "path=/ui/"} <= attributes
    name, _, rest = set_cookie.partition("=")
    whoami = client.post(
        f"{server.url}/api/whoami", json={"data": []}, headers={"Cookie": f"{name}={rest.split(';', 1)[0]}"}
    ).json()
    assert whoami["data"][0]["signed_in"] is True
    assert whoami["data"][0]["email"] == "alice@example.com"


def _handoff_sign_in(client, server, login: str, handoff_id: str) -> httpx.Response:
    """Sign in at the provider in the pop-up of handoff `handoff_id`; the callback's answer."""
    started = client.get(f"{server.url}/oauth/login", params={"handoff": handoff_id})
    login_page = client.get(started.headers["location"], follow_redirects=True)
    consent = client.post(
        form_action(login_page, "login"),
        data={"login": login, "password": PASSWORDS[login]},
        follow_redirects=True,
    )
    answer = client.post(form_action(consent, "confirm"))
    while answer.status_code in (302, 303) and not answer.headers["location"].startswith(server.url):
        answer = client.get(urljoin(str(answer.url), answer.headers["location"]))
    return client.get(answer.headers["location"])


def test_a_framed_page_gets_the_session_signed_in_in_a_pop_up_only_with_claim_and_code(
    oauth_server, clients
) -> None:
    server = oauth_server(settings={"frame_ancestors": ["https://docs.example"]})
    origin = server.url  # served at the site's root
    frame, popup, attacker = clients(), clients(), clients()
    same_origin = {"Origin": origin, "Sec-Fetch-Site": "same-origin"}
    refused = frame.post(
        f"{server.url}/oauth/handoff",
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert refused.status_code == 403
    handoff = frame.post(f"{server.url}/oauth/handoff", headers=same_origin).json()

    page = _handoff_sign_in(popup, server, "alice", handoff["id"])
    assert page.status_code == 200 and "You are signed in" in page.text
    assert page.headers["cross-origin-opener-policy"] == "unsafe-none"  # the opener stays reachable
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert f'data-origin="{origin}"' in page.text  # the code is posted only to the page that asked
    code = re.search(r'data-code="([^"]+)"', page.text).group(1)

    def redeem(client, **body):
        return client.post(
            f"{server.url}/oauth/handoff/redeem", json={**handoff, **body}, headers=same_origin
        )

    assert redeem(attacker, claim="guessed", code=code).status_code == 403
    assert redeem(attacker, code="guessed").status_code == 403
    taken = redeem(frame, code=code)
    assert taken.status_code == 200 and taken.json() == {"username": "alice@example.com"}
    (cookie,) = session_cookies(taken)
    assert "partitioned" in cookie.lower()
    assert redeem(frame, code=code).status_code == 403, "a handoff is redeemed once"
    name, _, rest = cookie.partition("=")
    whoami = frame.post(
        f"{server.url}/api/whoami", json={"data": []}, headers={"Cookie": f"{name}={rest.split(';', 1)[0]}"}
    ).json()
    assert whoami["data"][0]["email"] == "alice@example.com"
