"""OAuth sign-in of an app configured to be embedded by other sites (`allowed_origins`)."""

from __future__ import annotations

from oauth_helpers import session_cookies, sign_in


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
