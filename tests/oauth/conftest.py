"""Fixtures for the OAuth tests: a real OpenID provider on loopback, and apps that sign in with it."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from oauth_helpers import SECRET, OAuthServer, oauth_demo
from support.oidc import OIDCProvider, running_provider

import mountui


@pytest.fixture(scope="session")
def google_like_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OIDCProvider]:
    """A provider that, like Google, puts the profile claims in the ID token itself."""
    yield from running_provider(tmp_path_factory.mktemp("oidc"), conform_id_token_claims=False)


@pytest.fixture
def oauth_server(serve: Callable[..., str], oidc_provider: OIDCProvider) -> Callable[..., OAuthServer]:
    """``server = oauth_server(**options)``: the demo app signing in with the test provider, served.

    Options: `mount="/ui"` mounts it in a FastAPI host; `provider=`, `preset="google"`, `access_token_ttl=`
    (seconds, at the provider), `client_secret=` (what the app sends), `settings={...}` for the app,
    `clock=` the app's clock (not with `mount`); anything else goes to `mountui.OAuth.oidc` (or `.google`).
    """

    def start(
        *,
        mount: str = "",
        provider: OIDCProvider = oidc_provider,
        preset: str = "oidc",
        access_token_ttl: int | None = None,
        client_secret: str | None = None,
        settings: dict[str, Any] | None = None,
        root_path: str = "",
        clock: Callable[[], float] | None = None,
        **options: Any,
    ) -> OAuthServer:
        client_id, secret = f"app-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
        if preset == "google":
            oauth = mountui.OAuth.google(
                client_id, client_secret or secret, server_metadata_url=provider.metadata_url, **options
            )
        else:
            oauth = mountui.OAuth.oidc(
                "Test ID", provider.metadata_url, client_id, client_secret or secret, **options
            )
        app_settings = {"oauth": oauth, "secret_key": SECRET, **(settings or {})}
        if mount:
            host = FastAPI()
            mountui.mount_ui_app(host, oauth_demo(), path=mount, **app_settings)
            url = serve(host, root_path=root_path) + root_path + mount
        else:
            url = serve(oauth_demo().build_app(clock=clock, **app_settings), root_path=root_path) + root_path
        provider.register_client(
            client_id, secret, [f"{url}/oauth/callback"], access_token_ttl=access_token_ttl
        )
        return OAuthServer(url=url, client_id=client_id, client_secret=secret)

    return start
