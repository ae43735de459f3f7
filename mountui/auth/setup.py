"""Turning settings into identity sources (password, OAuth); the host dependency is added by the app."""

from __future__ import annotations

from mountui.auth.identity import IdentitySource
from mountui.settings import Settings


def identity_sources(settings: Settings) -> list[IdentitySource]:
    sources: list[IdentitySource] = []
    return sources
