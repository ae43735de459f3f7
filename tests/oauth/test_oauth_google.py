"""The Google preset, pointed at a local provider that behaves like Google's documented discovery document."""

from __future__ import annotations

import httpx
from oauth_helpers import call, query_of, sign_in

# What the preset relies on in https://accounts.google.com/.well-known/openid-configuration.
GOOGLE_DISCOVERY = {
    "response_types_supported": "code",
    "id_token_signing_alg_values_supported": "RS256",
    "code_challenge_methods_supported": "S256",
    "token_endpoint_auth_methods_supported": "client_secret_basic",
    "subject_types_supported": "public",
}
GOOGLE_SCOPES = {"openid", "email", "profile"}
GOOGLE_CLAIMS = {"sub", "email", "email_verified", "name", "given_name", "family_name", "picture"}
GOOGLE_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


def test_the_local_provider_matches_what_the_preset_needs_of_google(google_like_provider):
    metadata = httpx.get(google_like_provider.metadata_url).json()

    assert metadata["issuer"] == google_like_provider.issuer
    assert all(metadata[endpoint].startswith(google_like_provider.issuer) for endpoint in GOOGLE_ENDPOINTS)
    for field, value in GOOGLE_DISCOVERY.items():
        assert value in metadata[field], field
    assert GOOGLE_SCOPES <= set(metadata["scopes_supported"])
    assert GOOGLE_CLAIMS <= set(metadata["claims_supported"])


def test_sign_in_with_the_google_preset(oauth_server, google_like_provider, client):
    server = oauth_server(preset="google", provider=google_like_provider, allowed_domains=["example.com"])

    start = client.get(f"{server.url}/oauth/login")
    params = query_of(start.headers["location"])
    assert params["scope"] == "openid email profile"
    assert params["response_type"] == "code" and params["code_challenge_method"] == "S256"
    answer = sign_in(client, server.url, "alice")

    assert answer.status_code == 303
    assert call(client, server.url, "whoami").json()["data"][0] == {
        "signed_in": True,
        "username": "alice@example.com",
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "sub": "alice",
    }
    config = client.get(f"{server.url}/config").json()
    assert config["oauth"] == {"provider": "Google", "name": "Alice Liddell", "picture": None}


def test_the_google_preset_refuses_an_unverified_workspace_address(
    oauth_server, google_like_provider, client
):
    server = oauth_server(preset="google", provider=google_like_provider, allowed_domains=["example.com"])

    answer = sign_in(client, server.url, "mallory")

    assert answer.status_code == 403
    assert call(client, server.url, "whoami").status_code == 401
