"""OAuth / OpenID Connect sign-in: the identity source behind `oauth=` and its `P/oauth/*` routes.

Each sign-in flow (nonce, PKCE verifier, redirect URI, where to return) is kept in the store under its
`state`, bound to the browser that started it by a short-lived signed cookie, and used once. Tokens and the
profile live in the login session record (`SessionManager`); the browser only ever holds signed ids.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import logging
import secrets
from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mountui.auth.csrf import cross_site_reason
from mountui.auth.identity import Identity, IdentitySource
from mountui.auth.login_page import auth_page_response
from mountui.auth.logout import wants_all_sessions
from mountui.auth.oauth_client import ProviderClient, SignInFailed, describe
from mountui.auth.oauth_handoff import REDEEM, SCRIPT, START, SignInHandoff
from mountui.auth.redirects import login_redirect, safe_redirect_target
from mountui.auth.sessions import SessionManager
from mountui.http.cookies import set_cookie
from mountui.http.responses import NO_STORE
from mountui.http.urls import public_base_path, public_url
from mountui.injection import OAuthProfile, OAuthToken
from mountui.oauth import OAuth, email_is_verified
from mountui.settings import Settings
from mountui.store import Store

logger = logging.getLogger("mountui.auth")

FLOW_TTL = 600  # seconds a sign-in may take at the provider
LOGIN, CALLBACK, LOGOUT = "/oauth/login", "/oauth/callback", "/oauth/logout"
SESSION_KIND = "oauth"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _message(title: str, message: str) -> str:
    return f'<h1>{html.escape(title)}</h1><p class="message">{html.escape(message)}</p>'


def username_of(profile: dict[str, Any]) -> str:
    """The verified email, else the provider's stable subject id: never a name the user could pick."""
    email = profile.get("email")
    return str(email) if email and email_is_verified(profile) else str(profile["sub"])


class OAuthSource(IdentitySource):
    """Knows callers by their OAuth login session; serves sign-in, the provider's callback and sign-out."""

    def __init__(self, oauth: OAuth, settings: Settings, store: Store, sessions: SessionManager) -> None:
        self.oauth = oauth
        self.store = store
        self.required = oauth.login_required(settings.require_login)
        self.sessions = sessions
        self.flow_serializer = URLSafeTimedSerializer(sessions.secret_keys, salt="mountui.oauth-flow")
        self.provider = ProviderClient(oauth, clock=sessions.clock)
        # Sign-in from a frame or another site's page: in a pop-up, handed back (see oauth_handoff).
        self.handoff = SignInHandoff(store, sessions, tuple(settings.allowed_origins))
        self._refresh_lock: asyncio.Lock | None = None

    # --- IdentitySource ---
    def routes(self) -> list[Route]:
        return [
            Route(LOGIN, self.login, methods=["GET"]),
            Route(CALLBACK, self.callback, methods=["GET"]),
            Route(LOGOUT, self.logout, methods=["GET", "POST"]),
            Route(START, self.handoff.start, methods=["POST"]),
            Route(REDEEM, self.redeem_handoff, methods=["POST"]),
            Route(SCRIPT, self.handoff.script, methods=["GET"]),
        ]

    def public_paths(self) -> set[str]:
        return {LOGIN, CALLBACK, LOGOUT, START, REDEEM, SCRIPT}

    def deny(self, request: Request, page: bool) -> Response | None:
        if not (page and self.required):
            return None  # the API answers 401 JSON
        return login_redirect(request, LOGIN)

    async def identify(self, request: Request) -> Identity | None:
        loaded = await self.sessions.load_own(request, SESSION_KIND)
        if loaded is None:
            return None
        login_session_id, record = loaded
        if self._expired(record["token"]):
            refreshed = await self._refresh(request)
            if refreshed is None:
                return None
            record = refreshed
        else:
            await self.sessions.touch(login_session_id, record)
        token = record["token"]
        return Identity(
            username=record["username"],
            login_session_id=login_session_id,
            oauth_profile=OAuthProfile(record["profile"]),
            oauth_token=OAuthToken(
                token=token["access_token"], scopes=token["scope"].split(), expires_at=token["expires_at"]
            ),
        )

    # --- access tokens ---
    def _expired(self, token: dict[str, Any]) -> bool:
        expires_at = token.get("expires_at")
        return expires_at is not None and expires_at - self.oauth.refresh_leeway <= self.sessions.clock()

    async def _refresh(self, request: Request) -> dict[str, Any] | None:
        """Renew the access token with the refresh token; without one, or when refused, the session ends."""
        self._refresh_lock = self._refresh_lock or asyncio.Lock()
        async with self._refresh_lock:
            loaded = await self.sessions.load(request)
            if loaded is None:
                return None  # ended meanwhile
            login_session_id, record = loaded
            if not self._expired(record["token"]):
                return record  # renewed by a concurrent request
            username, name = record["username"], self.oauth.name
            if not record["token"].get("refresh_token"):
                logger.info(
                    "mountui: the %s access token of %s expired (no refresh token): sign in again",
                    name,
                    username,
                )
                await self.sessions.end(request, login_session_id, username, all_sessions=False)
                return None
            try:
                record["token"] = await self.provider.refresh(record["token"])
            except Exception as exc:
                if getattr(exc, "error", None) is None:  # no answer (network, 5xx): try again next request
                    logger.warning("mountui: could not refresh a %s token (%s)", name, describe(exc))
                    return None
                logger.warning(
                    "mountui: %s refused to refresh the token of %s (%s): sign in again",
                    name,
                    username,
                    describe(exc),
                )
                await self.sessions.end(request, login_session_id, username, all_sessions=False)
                return None
            record["last_seen"] = self.sessions.clock()
            await self.sessions.update(login_session_id, record)
            logger.info("mountui: refreshed the %s access token of %s", name, username)
            return record

    # --- routes ---
    async def login(self, request: Request) -> Response:
        binding = self._flow_binding(request) or secrets.token_urlsafe(32)
        redirect_uri = public_url(request.scope, CALLBACK)
        try:
            auth = await self.provider.authorization(redirect_uri)
        except Exception as exc:
            logger.warning("mountui: could not start a sign-in with %s: %s", self.oauth.name, describe(exc))
            message = f"{self.oauth.name} could not be reached. Please try again in a moment."
            return self._page(request, 502, "Sign-in is unavailable", message, retry=True)
        flow = {
            "binding": _digest(binding),
            "nonce": auth.get("nonce"),
            "code_verifier": auth.get("code_verifier"),
            "redirect_uri": redirect_uri,
            "next": safe_redirect_target(request.query_params.get("next"), public_base_path(request.scope)),
            "handoff": await self.handoff.pending(request.query_params.get("handoff")),
        }
        await self.store.set(f"oauth-flow:{auth['state']}", flow, ttl=FLOW_TTL)
        response = RedirectResponse(auth["url"], 302, NO_STORE)
        set_cookie(
            response,
            self._flow_cookie_name(request),
            self.flow_serializer.dumps(binding),
            max_age=FLOW_TTL,
            path=SessionManager.cookie_path(request),
            httponly=True,
            secure=SessionManager.secure(request),
            samesite="lax",  # sent on the provider's top-level redirect back to the callback
        )
        return response

    async def callback(self, request: Request) -> Response:
        try:
            return await self._sign_in(request)
        except SignInFailed as failed:
            self.sessions.report_sign_in(SESSION_KIND, succeeded=False)
            logger.warning(
                "mountui: sign-in with %s failed: %s; no session created", self.oauth.name, failed.reason
            )
            return self._page(request, failed.status, failed.title, failed.message, retry=True)

    async def _sign_in(self, request: Request) -> Response:
        query, name = request.query_params, self.oauth.name
        state = query.get("state")
        flow = await self.store.get(f"oauth-flow:{state}") if state else None
        if flow is not None:
            await self.store.delete(f"oauth-flow:{state}")  # one use: a replayed callback finds nothing
        error = query.get("error")
        if error == "access_denied":
            raise SignInFailed(
                403, "Sign-in cancelled", f"Access was not allowed at {name}.", "access_denied"
            )
        if error:
            raise SignInFailed(
                400, "Sign-in failed", f"{name} could not sign you in.", f"provider error {error!r}"
            )
        if not state or not query.get("code"):
            raise SignInFailed(
                400, "Sign-in failed", "The sign-in answer was incomplete.", "no state or code"
            )
        if flow is None:
            message = "This sign-in link has expired or was already used."
            raise SignInFailed(400, "Sign-in link expired", message, "unknown, expired or already used state")
        binding = self._flow_binding(request)
        if binding is None or not hmac.compare_digest(_digest(binding), flow["binding"]):
            message = "This sign-in was started in another browser. Please sign in again here."
            raise SignInFailed(400, "Sign-in failed", message, "the state belongs to another browser")
        profile, token = await self.provider.redeem(query["code"], query.get("iss"), flow)
        refusal = await self._refusal(profile)
        if refusal is not None:
            who = profile.get("email") or profile["sub"]
            message = f"The account {who} is not allowed to use this app."
            raise SignInFailed(403, "Access denied", message, f"{who} refused: {refusal}")
        response = RedirectResponse(flow["next"], 303, NO_STORE)
        username, record = await self._start_session(request, response, profile, token)
        if flow.get("handoff"):  # signed in in a pop-up for a framed page: hand the session over
            page = await self.handoff.complete(flow["handoff"], username, record)
            for cookie in response.headers.getlist("set-cookie"):
                page.headers.append("set-cookie", cookie)
            return page
        return response

    async def _refusal(self, profile: dict[str, Any]) -> str | None:
        try:
            return await self.oauth.refusal(OAuthProfile(profile))
        except Exception:
            logger.exception("mountui: the allow() check raised; refusing the sign-in")
            return "allow() raised an exception"

    async def _start_session(
        self, request: Request, response: Response, profile: dict[str, Any], token: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        username = username_of(profile)
        record = {"provider": self.oauth.name, "profile": profile, "token": token}
        await self.sessions.replace(request, response, username, SESSION_KIND, record)
        logger.info("mountui: %s signed in with %s", username, self.oauth.name)
        return username, record

    async def redeem_handoff(self, request: Request) -> Response:
        return await self.handoff.redeem(request, SESSION_KIND)

    async def logout(self, request: Request) -> Response:
        """End every session of the user (all browsers), or with `?all_session=false` only this one."""
        all_sessions = wants_all_sessions(request.query_params.get("all_session"))
        base = public_base_path(request.scope)
        reason = cross_site_reason(request)
        if reason and request.method == "GET":
            # Another site may link here, but only a click on this app's own button signs the user out.
            query = urlencode({"all_session": str(all_sessions).lower()})
            body = _message(
                "Sign out?", "Another site sent you here. Sign out of this app only if you meant to."
            )
            form = f'<form method="post" action="{html.escape(f"{base}{LOGOUT}?{query}")}"><button>Sign out</button></form>'
            return auth_page_response("Sign out?", body + form)
        if reason:
            logger.warning("mountui: refused a sign-out POST from another site (%s)", reason)
            return self._page(
                request, 403, "Not signed out", "This request came from another site and was refused."
            )
        loaded = await self.sessions.load_own(request, SESSION_KIND)
        if loaded is not None:
            await self.sessions.end(request, loaded[0], loaded[1]["username"], all_sessions)
            logger.info("mountui: %s signed out of %s", loaded[1]["username"], self.oauth.name)
        if self.required:
            # Going back to the app would sign the user straight in again at the provider.
            response: Response = self._page(request, 200, "Signed out", "You have signed out.", sign_in=True)
        else:
            target = safe_redirect_target(request.query_params.get("next"), base)
            response = RedirectResponse(target, 303, NO_STORE)
        self.sessions.clear_cookie(request, response)
        return response

    # --- helpers ---
    def _flow_cookie_name(self, request: Request) -> str:
        return self.sessions.cookie_name(request).replace("mountui-session-", "mountui-oauth-", 1)

    def _flow_binding(self, request: Request) -> str | None:
        raw = request.cookies.get(self._flow_cookie_name(request))
        if not raw:
            return None
        try:
            return str(self.flow_serializer.loads(raw, max_age=FLOW_TTL))
        except BadSignature:
            return None

    def _page(
        self,
        request: Request,
        status: int,
        title: str,
        message: str,
        *,
        retry: bool = False,
        sign_in: bool = False,
    ) -> Response:
        base = public_base_path(request.scope)
        links = []
        if retry:
            links.append((base + LOGIN, "Try again"))
        if sign_in:
            links.append((base + LOGIN, f"Sign in with {self.oauth.name}"))
        if not (sign_in and self.required):
            links.append((base + "/", "Back to the app"))
        anchors = " ".join(f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for href, label in links)
        return auth_page_response(title, _message(title, message) + f"<p>{anchors}</p>", status)
