"""Turning settings into identity sources (password, OAuth); the host dependency is added by the app.

All sources of one app share its store and its one SessionManager (one cookie, one session registry).
"""

from __future__ import annotations

from mountui.auth.identity import IdentitySource
from mountui.auth.sessions import SessionManager
from mountui.settings import Settings
from mountui.store.base import Store


def identity_sources(
    settings: Settings, store: Store, sessions: SessionManager, app_title: str | None = None
) -> list[IdentitySource]:
    sources: list[IdentitySource] = []
    if settings.auth is not None:  # password sign-in (auth/password.py)
        from mountui.auth.password import PasswordSource

        sources.append(PasswordSource(settings, store, sessions, app_title))
    if settings.oauth is not None:  # OAuth / OpenID Connect sign-in (auth/oauth_routes.py)
        from mountui.auth.oauth_routes import OAuthSource

        sources.append(OAuthSource(settings.oauth, settings, store, sessions))
    return sources
