"""Telling a request the user made on this app from one another site made their browser send."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import HTTPConnection as Request

from mountui.http.urls import public_origin

# `none` is a navigation the user started (typed URL, bookmark); anything from another site is refused.
_TRUSTED_FETCH_SITES = {"same-origin", "none"}


def from_other_site(request: Request, allowed_origins: Sequence[str] = ()) -> str | None:
    """Why this request looks cross-site (for the log), or None when it came from this app.

    Browsers send `Sec-Fetch-Site` and, on POST, `Origin`; a client that sends neither (curl, a script)
    cannot be used by another site against a signed-in browser, so it passes.
    """
    origin = request.headers.get("origin")
    if origin is not None and origin in allowed_origins:
        return None  # a site this app is configured to be embedded by
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        # The browser computes this itself and pages cannot forge it; it is decisive when present (and
        # right even where the scheme the proxy reports differs from what the browser used).
        return None if site in _TRUSTED_FETCH_SITES else f"Sec-Fetch-Site is {site!r}"
    # Older browsers: compare the Origin they send on POST with this app's public origin.
    if origin is not None and origin != public_origin(request.scope):
        return f"Origin {origin[:100]!r} is not this app's origin"
    return None


def cross_site_reason(request: Request) -> str | None:
    """The guard's decision for this request (it honours `allowed_origins`); routes never decide again."""
    return request.scope["mountui.cross_site"]
