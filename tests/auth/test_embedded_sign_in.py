"""An app configured to be embedded by other sites (`allowed_origins`) signs users in with a partitioned,
cross-site cookie, on every Python the project supports."""

from __future__ import annotations

from auth_helpers import SECRET, USERS, greeting_demo, sign_in


def cookie_pair(set_cookie: str) -> tuple[str, str]:
    name, _, rest = set_cookie.partition("=")
    return name, rest.split(";", 1)[0]


def test_password_sign_in_of_an_embeddable_app_sets_a_partitioned_cookie(serve, client):
    base = serve(
        greeting_demo().build_app(auth=USERS, secret_key=SECRET, allowed_origins=["https://blog.example"])
    )
    answer = sign_in(client, base, *USERS[0])
    assert answer.status_code == 303, answer.text
    (set_cookie,) = answer.headers.get_list("set-cookie")
    attributes = {part.strip().lower() for part in set_cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=none", "partitioned", "path=/"} <= attributes
    # The browser sends the cookie back (a Secure cookie travels over http to localhost in Chromium).
    cookie = {"Cookie": "=".join(cookie_pair(set_cookie))}
    config = client.get(f"{base}/config", headers=cookie)
    assert config.status_code == 200 and config.json()["username"] == "alice"

    logout = client.post(f"{base}/logout", headers={**cookie, "Sec-Fetch-Site": "same-origin"})
    assert logout.status_code == 303
    cleared = logout.headers["set-cookie"].lower()
    assert "max-age=0" in cleared and "partitioned" in cleared and "samesite=none" in cleared
    assert client.get(f"{base}/config", headers=cookie).status_code == 401


def test_the_sign_in_form_honours_allowed_origins_like_every_other_route(serve, clients):
    base = serve(
        greeting_demo().build_app(auth=USERS, secret_key=SECRET, allowed_origins=["https://blog.example"])
    )
    form = {"username": USERS[0][0], "password": USERS[0][1]}

    def post_from(origin: str, path: str = "/login"):
        headers = {"Origin": origin, "Sec-Fetch-Site": "cross-site"}
        return clients().post(f"{base}{path}", data=form, headers=headers)

    assert post_from("https://blog.example").status_code == 303  # the site that embeds the app
    refused = post_from("https://evil.example")
    assert refused.status_code == 403 and "came from another site" in refused.text
    assert "set-cookie" not in refused.headers
    assert post_from("https://evil.example", "/logout").status_code == 403
