"""`mountui.OAuth`: sign-in with Google or any OpenID Connect provider, given as one setting (`oauth=`).

This module (part of the app description, no HTTP) only describes the provider and who may sign in; the routes and sessions live in
`mountui.auth.oauth_routes`, which loads authlib when an app is built.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from mountui.errors import ConfigError

GOOGLE_METADATA_URL = "https://accounts.google.com/.well-known/openid-configuration"
DEFAULT_SCOPES = ("openid", "email", "profile")
CLIENT_ID_VARIABLE = "MOUNTUI_OAUTH_CLIENT_ID"
CLIENT_SECRET_VARIABLE = "MOUNTUI_OAUTH_CLIENT_SECRET"  # noqa: S105 (a variable name)
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def email_is_verified(profile: Mapping[str, Any]) -> bool:
    """Whether the provider vouches for the email claim (some providers send the string "true")."""
    verified = profile.get("email_verified")
    return verified is True or (isinstance(verified, str) and verified.lower() == "true")


class OAuth:
    """Sign-in through an OpenID Connect provider. Build it with `OAuth.google(...)` or `OAuth.oidc(...)`.

    Access control: `allowed_emails` and `allowed_domains` (either match lets a user in; both look at a
    verified email only) and `allow(profile) -> bool` (sync or async), checked on top. `require_login`
    decides whether the whole UI needs sign-in; by default it does whenever one of these rules is given.
    """

    def __init__(
        self,
        name: str,
        server_metadata_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        *,
        allowed_emails: Iterable[str] | None = None,
        allowed_domains: Iterable[str] | None = None,
        allow: Callable[[Any], Any] | None = None,
        require_login: bool | None = None,
        authorize_params: Mapping[str, str] | None = None,
        refresh_leeway: float = 30.0,
    ) -> None:
        if not name or not name.strip():
            raise ConfigError("OAuth needs a provider name, shown as 'Sign in with <name>'")
        self.name = name.strip()
        self.server_metadata_url = _metadata_url(server_metadata_url)
        self.client_id = client_id or os.environ.get(CLIENT_ID_VARIABLE)
        self.client_secret = client_secret or os.environ.get(CLIENT_SECRET_VARIABLE)
        if not self.client_id or not self.client_secret:
            raise ConfigError(
                f"OAuth for {self.name} needs a client id and secret: pass client_id= and client_secret=, "
                f"or set {CLIENT_ID_VARIABLE} and {CLIENT_SECRET_VARIABLE}"
            )
        self.scopes = tuple(scopes.split() if isinstance(scopes, str) else scopes)
        if "openid" not in self.scopes:
            raise ConfigError(
                "OAuth scopes must include 'openid': sign-in relies on the OpenID Connect ID token"
            )
        self.allowed_emails = frozenset(e.strip().lower() for e in allowed_emails or ())
        self.allowed_domains = frozenset(d.strip().lower().lstrip("@") for d in allowed_domains or ())
        if allow is not None and not callable(allow):
            raise ConfigError("allow= takes a function (profile) -> bool")
        self.allow = allow
        self.require_login = require_login
        params = dict(authorize_params or {})
        if "offline_access" in self.scopes:
            # OpenID Connect grants offline_access (a refresh token) only together with prompt=consent.
            params.setdefault("prompt", "consent")
        self.authorize_params = params
        if refresh_leeway < 0:
            raise ConfigError("refresh_leeway must be 0 or more seconds")
        self.refresh_leeway = refresh_leeway

    @classmethod
    def google(
        cls,
        client_id: str | None = None,
        client_secret: str | None = None,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        server_metadata_url: str = GOOGLE_METADATA_URL,
        **options: Any,
    ) -> OAuth:
        """Sign in with Google. For a refresh token pass authorize_params={"access_type": "offline"}."""
        return cls("Google", server_metadata_url, client_id, client_secret, scopes, **options)

    @classmethod
    def oidc(
        cls,
        name: str,
        server_metadata_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        **options: Any,
    ) -> OAuth:
        """Sign in with any OpenID Connect provider, found through its discovery document."""
        return cls(name, server_metadata_url, client_id, client_secret, scopes, **options)

    @property
    def has_access_rules(self) -> bool:
        return bool(self.allowed_emails or self.allowed_domains or self.allow)

    def login_required(self, setting: bool | None) -> bool:
        """Combine the app's `require_login` setting with this object's own."""
        if setting is not None and self.require_login is not None and setting != self.require_login:
            raise ConfigError("require_login is set twice (on the app and on OAuth) with different values")
        for value in (setting, self.require_login):
            if value is not None:
                return value
        return self.has_access_rules

    async def refusal(self, profile: Mapping[str, Any]) -> str | None:
        """Why this user may not sign in, or None when they may."""
        if self.allowed_emails or self.allowed_domains:
            email = str(profile.get("email") or "").strip().lower()
            if not email:
                return "the provider sent no email address"
            if not email_is_verified(profile):
                return f"the email address {email} is not verified by {self.name}"
            domain = email.rpartition("@")[2]
            if email not in self.allowed_emails and domain not in self.allowed_domains:
                return f"{email} is not in allowed_emails or allowed_domains"
        if self.allow is not None:
            from mountui.calling import call_callback

            if await call_callback(self.allow, profile) is not True:
                return "allow() did not return True"
        return None

    def config_for(self, identity: Any) -> dict[str, Any]:
        """The `oauth` block of the page configuration: the provider, and who is signed in through it."""
        profile = getattr(identity, "oauth_profile", None) or {}
        return {
            "provider": self.name,
            "name": (profile.get("name") or identity.username) if profile else None,
            "picture": profile.get("picture"),
        }

    def __repr__(self) -> str:
        return f"<mountui.OAuth {self.name} client_id={self.client_id!r}>"


def _metadata_url(url: str) -> str:
    parts = urlsplit(url or "")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return url
    raise ConfigError(
        f"server_metadata_url must be the provider's https discovery URL "
        f"(…/.well-known/openid-configuration), got {url!r}"
    )
