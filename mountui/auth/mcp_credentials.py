"""Credentials MCP clients send on `P/mcp`, where no login form or cookie can be used.

- Password apps: HTTP Basic, checked by the same `auth=` check and login throttle as the form.
- OAuth apps: the provider's access token as a bearer token, validated at the provider's userinfo endpoint
  (answers kept briefly in the store) and held to the app's access rules (`allowed_emails`, `allow`, ...).
  Each unknown token costs a request to the provider, so refused tokens are counted per client address like
  failed sign-ins: past `max_login_attempts` in `login_attempt_window`, that address is refused (429) without
  asking the provider, until the window has passed.
- `auth_dependency` apps need nothing here: the host's function reads the MCP request like any other.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import logging
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from mountui.auth.identity import Identity, IdentitySource
from mountui.auth.oauth_client import describe
from mountui.auth.oauth_routes import OAuthSource, username_of
from mountui.auth.password import LoginThrottle, PasswordSource
from mountui.http.responses import NO_STORE, error_response
from mountui.http.urls import route_path
from mountui.injection import OAuthProfile, OAuthToken
from mountui.store import Store

logger = logging.getLogger("mountui.auth")

MCP_PATH = "/mcp"
TOKEN_TTL = 60  # seconds a provider's answer about a token is believed
REFUSED_TTL = 10  # seconds a refused token is not asked about again
_THROTTLED = "mountui.mcp_throttled"


class McpCredentialsSource(IdentitySource):
    required = False  # it adds ways in; whether signing in is required is the other sources' decision

    def __init__(
        self, sources: list[IdentitySource], store: Store, title: str, bearer_throttle: LoginThrottle
    ) -> None:
        self.password = next((s for s in sources if isinstance(s, PasswordSource)), None)
        self.oauth = next((s for s in sources if isinstance(s, OAuthSource)), None)
        self.store = store
        self.title = title
        self.bearer_throttle = bearer_throttle  # refused bearer tokens, per client address

    async def identify(self, request: Request) -> Identity | None:
        if route_path(request.scope) != MCP_PATH:
            return None
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic" and self.password is not None:
            return await self._basic(request, self.password, value.strip())
        if scheme.lower() == "bearer" and self.oauth is not None and 0 < len(value.strip()) <= 4096:
            return await self._bearer(request, self.oauth, value.strip())
        return None

    # --- Basic ---
    async def _basic(self, request: Request, source: PasswordSource, value: str) -> Identity | None:
        try:
            username, sep, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, ValueError):
            return None
        if not sep or not username or not password:
            return None
        client = request.client.host if request.client else "unknown"
        keys = source.throttle_keys(request, username, client)
        who = f"{username[:64]!r} from {client}"
        if wait := await source.throttle.locked_for(keys):
            logger.warning("mountui: refused MCP sign-in of %s: too many failed attempts", who)
            request.scope[_THROTTLED] = wait
            return None
        try:
            accepted = await source.checker.check(username, password, request)
        except Exception:
            logger.exception("mountui: the auth function raised; MCP sign-in refused")
            accepted = False
        if not accepted:
            source.sessions.report_sign_in("mcp", succeeded=False)
            if await source.throttle.failed(keys):
                request.scope[_THROTTLED] = math.ceil(source.throttle.window)
            logger.info("mountui: refused MCP sign-in of %s: wrong username or password", who)
            return None
        if wait := await source.throttle.locked_for(keys):  # locked by parallel guesses meanwhile
            request.scope[_THROTTLED] = wait
            return None
        await source.throttle.succeeded(keys[0])
        return Identity(username=username)

    # --- bearer tokens of the OAuth provider ---
    async def _bearer(self, request: Request, source: OAuthSource, token: str) -> Identity | None:
        key = "mcp-bearer:" + hashlib.sha256(f"{source.oauth.client_id}\0{token}".encode()).hexdigest()
        known = await self.store.get(key)
        if not isinstance(known, dict):
            # A token not seen lately: the provider is asked, unless this address keeps sending bad ones.
            client = request.client.host if request.client else "unknown"
            keys = [f"mcp-bearer-failures:{source.sessions.app_key(request)}:client:{client}"]
            if wait := await self.bearer_throttle.locked_for(keys):
                logger.warning("mountui: refused a bearer token from %s: too many refused tokens", client)
                request.scope[_THROTTLED] = wait
                return None
            known = await self._ask_provider(source, token)
            await self.store.set(key, known, ttl=TOKEN_TTL if known.get("username") else REFUSED_TTL)
            if not known.get("username") and await self.bearer_throttle.failed(keys):
                request.scope[_THROTTLED] = math.ceil(self.bearer_throttle.window)
        if not known.get("username"):
            return None
        return Identity(
            username=known["username"],
            oauth_profile=OAuthProfile(known["profile"]),
            oauth_token=OAuthToken(token=token),
        )

    async def _ask_provider(self, source: OAuthSource, token: str) -> dict[str, Any]:
        name = source.oauth.name
        try:
            ours = await source.provider.issued_to_this_app(token)
        except Exception as exc:
            logger.info(
                "mountui: %s could not say whom a bearer token was issued to (%s)", name, describe(exc)
            )
            ours = False
        if not ours:
            logger.info("mountui: refused a bearer token on P/mcp: %s did not issue it to this app", name)
            return {"username": None}
        try:
            info = dict(
                await source.provider.client.userinfo(token={"access_token": token, "token_type": "Bearer"})
            )
        except Exception as exc:
            logger.info("mountui: %s did not accept a bearer token on P/mcp (%s)", name, describe(exc))
            return {"username": None}
        if not info.get("sub"):
            logger.info("mountui: %s userinfo named no subject for a bearer token; refused", name)
            return {"username": None}
        if reason := await source.oauth.refusal(info):
            logger.info("mountui: refused a bearer token on P/mcp: %s", reason)
            return {"username": None}
        return {"username": username_of(info), "profile": info}

    # --- refusing ---
    def deny(self, request: Request, page: bool) -> Response | None:
        if route_path(request.scope) != MCP_PATH:
            return None
        wait = request.scope.get(_THROTTLED)
        if wait:
            message = f"too many failed sign-ins; try again in {wait} s"
            return error_response(429, "too_many_sign_ins", message, {**NO_STORE, "Retry-After": str(wait)})
        challenges = []
        if self.password is not None:
            challenges.append(f'Basic realm="{self._realm()}", charset="UTF-8"')
        if self.oauth is not None:
            challenges.append(f'Bearer realm="{self._realm()}"')
        headers = {"Cache-Control": "no-store"}
        if challenges:
            headers["WWW-Authenticate"] = ", ".join(challenges)
        accept = request.headers.get("accept", "")
        if request.method == "GET" and "text/html" in accept:
            # A person opened the MCP address without being signed in: say what it is, in words.
            body = (
                f"<!doctype html><title>MCP server · {html.escape(self.title)}</title>"
                f"<h1>MCP server of {html.escape(self.title)}</h1><p>This address is for MCP clients. "
                'They need credentials; <a href="./">open the app</a> to sign in.</p>'
            )
            headers.pop("WWW-Authenticate", None)  # no browser password dialog for a person reading
            return HTMLResponse(
                body, status_code=401, headers={**headers, "Content-Security-Policy": "default-src 'none'"}
            )
        return error_response(401, "unauthorized", "sign in to use this app", headers)

    def _realm(self) -> str:
        return self.title.replace("\\", "").replace('"', "")
