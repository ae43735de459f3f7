"""The callback URL is the public one: behind nginx under a prefix, behind TLS termination, or public_url=."""

from __future__ import annotations

from oauth_helpers import call, query_of, sign_in

PREFIX = "/apps/demo"


def location_block(upstream: str, scheme: str = "$scheme") -> str:
    return f"""
        location {PREFIX}/ {{
            proxy_pass {upstream}/;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto {scheme};
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_set_header X-Forwarded-Prefix {PREFIX};
        }}
    """


def test_signing_in_through_nginx_under_a_prefix(oauth_server, oidc_provider, nginx, client):
    server = oauth_server()
    public = nginx(location_block(server.url)) + PREFIX
    oidc_provider.register_client(server.client_id, server.client_secret, [f"{public}/oauth/callback"])

    start = client.get(f"{public}/oauth/login")
    assert query_of(start.headers["location"])["redirect_uri"] == f"{public}/oauth/callback"
    assert f"Path={PREFIX}/" in start.headers["set-cookie"]
    answer = sign_in(client, public, "alice")

    assert answer.status_code == 303 and answer.headers["location"] == f"{PREFIX}/"
    assert f"Path={PREFIX}/" in answer.headers["set-cookie"]
    assert call(client, public, "whoami").json()["data"][0]["name"] == "Alice Liddell"


def test_behind_tls_termination_the_callback_url_is_https(oauth_server, nginx, client):
    server = oauth_server()
    public = nginx(location_block(server.url, scheme="https")) + PREFIX

    start = client.get(f"{public}/oauth/login")

    https_public = public.replace("http://", "https://", 1)
    assert query_of(start.headers["location"])["redirect_uri"] == f"{https_public}/oauth/callback"
    cookie = start.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and f"Path={PREFIX}/" in cookie


def test_public_url_sets_the_callback_url(oauth_server, client):
    server = oauth_server(settings={"public_url": "https://apps.example.com/tools/demo"})

    start = client.get(f"{server.url}/oauth/login")

    redirect_uri = query_of(start.headers["location"])["redirect_uri"]
    assert redirect_uri == "https://apps.example.com/tools/demo/oauth/callback"


def test_forwarded_headers_from_an_untrusted_client_do_not_move_the_callback(oauth_server, client):
    server = oauth_server(settings={"trusted_proxies": ["10.1.2.3"]})

    start = client.get(
        f"{server.url}/oauth/login",
        headers={
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Prefix": "/phish",
            "Forwarded": "host=evil.example",
        },
    )

    assert query_of(start.headers["location"])["redirect_uri"] == server.callback
