"""Password sign-in: the `auth=` setting, the login form's routes, throttling, and the session it creates."""

from __future__ import annotations

import hashlib
import hmac
import inspect
import logging
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mountui.auth.csrf import cross_site_reason
from mountui.auth.identity import Identity, IdentitySource
from mountui.auth.login_page import auth_page_response, render_login_form
from mountui.auth.logout import LogoutRoutes
from mountui.auth.redirects import login_redirect, safe_redirect_target
from mountui.auth.sessions import SessionManager
from mountui.calling import call_callback
from mountui.errors import ConfigError
from mountui.http.bodies import check_declared_length, limited_receive
from mountui.http.urls import public_base_path
from mountui.injection import Request as FunctionRequest
from mountui.markdown import render_markdown
from mountui.settings import Settings
from mountui.store import Store

logger = logging.getLogger("mountui.auth")

SESSION_KIND = "password"
MAX_FORM_SIZE = 16 * 1024
_AUTH_HELP = (
    "auth= takes a (username, password) tuple, a list of such tuples, or a function "
    "(username, password) -> bool (sync or async, optionally with a third `request` parameter)"
)


def _digest(text: str) -> bytes:
    # Digests have one length, so comparing them takes the same time whatever was typed.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _takes_request(fn: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 3


class CredentialsChecker:
    """Checks a username and password against the app's `auth=` setting."""

    def __init__(self, auth: Any) -> None:
        self.pairs: list[tuple[bytes, bytes]] = []
        self.function: Callable[..., Any] | None = None
        if callable(auth):
            self.function = auth
            self.takes_request = _takes_request(auth)
            return
        pairs: Sequence[Any] = [auth] if isinstance(auth, tuple) else auth
        if not isinstance(pairs, list | tuple) or not pairs:
            raise ConfigError(_AUTH_HELP)
        for pair in pairs:
            if not (
                isinstance(pair, tuple | list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
            ):
                raise ConfigError(f"{_AUTH_HELP}; got {type(pair).__name__} {pair!r:.40}")
            if not pair[0] or not pair[1]:
                raise ConfigError("auth= usernames and passwords must not be empty")
            self.pairs.append((_digest(pair[0]), _digest(pair[1])))

    async def check(self, username: str, password: str, request: Request) -> bool:
        if self.function is None:
            user, secret = _digest(username), _digest(password)
            matched = False
            for known_user, known_secret in self.pairs:  # no early exit: every pair is compared
                matched |= hmac.compare_digest(user, known_user) & hmac.compare_digest(secret, known_secret)
            return matched
        args: list[Any] = [username, password]
        if self.takes_request:
            args.append(FunctionRequest(request))
        result = await call_callback(self.function, *args)
        if not isinstance(result, bool):
            logger.warning(
                "mountui: the auth function returned %s, not a bool: refused", type(result).__name__
            )
        return result is True


class LoginThrottle:
    """Failed sign-ins counted per username and per client address; past the limit, a lock for a while."""

    def __init__(
        self, store: Store, max_attempts: int, window: float, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.clock = clock  # wall-clock seconds: lock ends are kept in the store, shared by workers
        self.max_attempts = max_attempts
        self.window = window

    async def locked_for(self, keys: Sequence[str]) -> int:
        """Seconds until all of `keys` may try again (0: now)."""
        now, wait = self.clock(), 0
        for key in keys:
            until = await self.store.get(f"{key}:locked-until")
            if isinstance(until, int | float) and until > now:
                wait = max(wait, math.ceil(until - now))
        return wait

    async def failed(self, keys: Sequence[str]) -> bool:
        """Count a failure; True if this attempt was already over the limit (a burst of parallel tries)."""
        over = False
        for key in keys:
            count = await self.store.incr(key, ttl=self.window)
            if count == self.max_attempts:
                await self.store.set(f"{key}:locked-until", self.clock() + self.window, ttl=self.window)
            over = over or count > self.max_attempts
        return over

    async def succeeded(self, key: str) -> None:
        await self.store.delete(key)


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class PasswordSource(IdentitySource):
    """Callers signed in through the login form, known by their session cookie."""

    def __init__(
        self, settings: Settings, store: Store, sessions: SessionManager, app_title: str | None = None
    ) -> None:
        self.app_title = app_title
        self.settings = settings
        self.checker = CredentialsChecker(settings.auth)
        self.store = store
        self.sessions = sessions
        self.throttle = LoginThrottle(
            self.store, settings.max_login_attempts, settings.login_attempt_window, clock=sessions.clock
        )
        self.message_html = render_markdown(settings.auth_message or "")
        self.logout = LogoutRoutes(self.sessions)

    # --- IdentitySource ---
    async def identify(self, request: Request) -> Identity | None:
        loaded = await self.sessions.load_own(request, SESSION_KIND)
        if loaded is None:
            return None
        login_session_id, record = loaded
        await self.sessions.touch(login_session_id, record)
        return Identity(username=record["username"], login_session_id=login_session_id)

    def routes(self) -> list[Route]:
        return [
            Route("/login", self.login_form, methods=["GET", "HEAD"]),
            Route("/login", self.login, methods=["POST"]),
            *self.logout.routes(),
        ]

    def public_paths(self) -> set[str]:
        return {"/login", "/logout"}

    def deny(self, request: Request, page: bool) -> Response | None:
        if not page:
            return None  # API routes: the guard's 401 JSON
        return login_redirect(request, "/login")

    # --- the form ---
    def _form(
        self, status: int, target: str, error: str | None = None, username: str = "", **h: str
    ) -> Response:
        body = render_login_form(
            next_target=target,
            message_html=self.message_html,
            error=error,
            username=username,
            app_title=self.app_title,
        )
        title = f"Sign in · {self.app_title}" if self.app_title else "Sign in"
        return auth_page_response(title, body, status, **h)

    async def login_form(self, request: Request) -> Response:
        target = safe_redirect_target(request.query_params.get("next"), public_base_path(request.scope))
        if await self.identify(request) is not None:
            return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
        return self._form(200, target)

    async def login(self, request: Request) -> Response:
        base = public_base_path(request.scope)
        cross_site = cross_site_reason(request)
        if cross_site:
            logger.warning("mountui: refused a sign-in POST from another site (%s)", cross_site)
            error = "This sign-in request came from another site and was refused. Sign in here instead."
            return self._form(403, base + "/", error)
        check_declared_length(request, MAX_FORM_SIZE)
        limited = Request(request.scope, limited_receive(request.receive, MAX_FORM_SIZE))
        async with limited.form(max_files=0, max_fields=8) as form:
            username, password = str(form.get("username") or ""), str(form.get("password") or "")
            target = safe_redirect_target(str(form.get("next") or ""), base)
        if not username or not password:
            return self._form(400, target, "Enter your username and password.", username)
        client = request.client.host if request.client else "unknown"
        keys = self.throttle_keys(request, username, client)
        who = f"{username[:64]!r} from {client}"
        if wait := await self.throttle.locked_for(keys):
            self.sessions.report_sign_in(SESSION_KIND, succeeded=False)
            return self._throttled(target, username, wait, who)
        try:
            accepted = await self.checker.check(username, password, request)
        except Exception:
            logger.exception("mountui: the auth function raised; sign-in refused")
            accepted = False
        if not accepted:
            self.sessions.report_sign_in(SESSION_KIND, succeeded=False)
            if await self.throttle.failed(keys):
                return self._throttled(target, username, math.ceil(self.throttle.window), who)
            logger.info("mountui: refused sign-in of %s: wrong username or password", who)
            return self._form(401, target, "Wrong username or password.", username)
        if wait := await self.throttle.locked_for(keys):  # locked by a parallel attempt meanwhile
            self.sessions.report_sign_in(SESSION_KIND, succeeded=False)
            return self._throttled(target, username, wait, who)
        await self.throttle.succeeded(keys[0])
        response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
        await self.sessions.replace(request, response, username, SESSION_KIND, {})
        logger.info("mountui: %s signed in", who)
        return response

    def throttle_keys(self, request: Request, username: str, client: str) -> list[str]:
        # Per UI, so that two UIs sharing one store keep separate counts.
        app = self.sessions.app_key(request)
        user = hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return [f"login-failures:{app}:user:{user}", f"login-failures:{app}:client:{client}"]

    def _throttled(self, target: str, username: str, wait: int, who: str) -> Response:
        logger.warning("mountui: refused sign-in of %s: too many failed attempts", who)
        error = f"Too many failed sign-ins. Try again in {_wait_text(wait)}."
        return self._form(429, target, error, username, **{"Retry-After": str(wait)})
