"""Login sessions shared by password and OAuth sign-in.

The cookie holds only a signed session id; the session record (user, created, last seen, and for OAuth
the profile and tokens) lives in the store, so logout and revocation work across workers.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from mountui.errors import ConfigError
from mountui.http.cookies import delete_cookie, set_cookie
from mountui.http.urls import mount_path, public_base_path, public_origin
from mountui.settings import Settings
from mountui.store.base import Store

logger = logging.getLogger("mountui.auth")

MIN_SECRET_LENGTH = 32
LAST_SEEN_INTERVAL = 60.0  # seconds between writes of a session's "last seen" time
_WEAK_SECRETS = {"secret", "changeme", "change-me", "mountui", "password", "development", "dev", "test"}


def resolve_secret_keys(settings: Settings) -> list[str]:
    """The signing keys, newest last (older ones still verify, so keys can be rotated)."""
    keys = settings.secret_keys()
    if not keys:
        logger.warning(
            "mountui: no secret_key set (secret_key= or MOUNTUI_SECRET_KEY); using a random key for this "
            "process, so sign-ins will not survive a restart or span several workers"
        )
        return [secrets.token_urlsafe(32)]
    for key in keys:
        if len(key) < MIN_SECRET_LENGTH or key.lower() in _WEAK_SECRETS:
            raise ConfigError(
                f"secret_key must be at least {MIN_SECRET_LENGTH} random characters; make one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(32))"`'
            )
    return keys


def _signer_on(clock: Callable[[], float]) -> type[TimestampSigner]:
    class ClockedSigner(TimestampSigner):
        # The cookie's signed age is measured on the same clock as the session record's.
        def get_timestamp(self) -> int:
            return int(clock())

    return ClockedSigner


class SessionManager:
    """`clock` (wall-clock seconds, `time.time` by default) decides expiry and "last seen"."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        secret_keys: list[str],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.max_age = settings.session_max_age
        self.secret_keys = secret_keys
        # itsdangerous signs with the last key and accepts any of them.
        self.serializer = URLSafeTimedSerializer(
            secret_keys, salt="mountui.session", signer=_signer_on(clock)
        )
        # Called with the ids of ended sessions (the app ends their running calls and open streams).
        self.on_end: list[Callable[[set[str]], None]] = []
        # Called with (kind, succeeded) for every sign-in attempt that got an answer (the app's metrics).
        self.on_sign_in: list[Callable[[str, bool], None]] = []

    # --- cookie details, per mount ---
    @staticmethod
    def cookie_path(request: Request) -> str:
        return (public_base_path(request.scope) or "") + "/"

    @staticmethod
    def app_key(request: Request) -> str:
        """Which mounted UI this is, from the server's own mount path (a client cannot change it)."""
        return hashlib.sha256((mount_path(request.scope) or "/").encode()).hexdigest()[:10]

    def cookie_name(self, request: Request) -> str:
        # Two UIs in one host never clobber each other's cookie: the name depends on the mount path.
        return f"mountui-session-{self.app_key(request)}"

    @staticmethod
    def secure(request: Request) -> bool:
        return public_origin(request.scope).startswith("https://")

    # --- records ---
    async def create(
        self, request: Request, response: Response, username: str, data: dict[str, Any] | None = None
    ) -> str:
        login_session_id = secrets.token_urlsafe(32)
        now = self.clock()
        record = {"username": username, "created": now, "last_seen": now, **(data or {})}
        await self.store.set(f"session:{login_session_id}", record, ttl=self.max_age)
        await self.store.set_add(self._user_key(request, username), login_session_id, ttl=self.max_age)
        self._set_cookie(request, response, login_session_id)
        return login_session_id

    def _cookie_attributes(self, request: Request) -> dict[str, Any]:
        # Embeddable by other sites (allowed_origins, or frame_ancestors naming one): the cookie must travel
        # in their pages, so SameSite=None, Secure and Partitioned (CHIPS: kept per embedding site, so it
        # works where third-party cookies are blocked); otherwise SameSite=Lax. Setting and deleting match.
        embedded = self.settings.embeddable_by_other_sites()
        return {
            "path": self.cookie_path(request),
            "httponly": True,
            "secure": self.secure(request) or embedded,
            "samesite": "none" if embedded else "lax",
            "partitioned": embedded,
        }

    def _set_cookie(self, request: Request, response: Response, login_session_id: str) -> None:
        set_cookie(
            response,
            self.cookie_name(request),
            self.serializer.dumps(login_session_id),
            max_age=int(self.max_age),
            **self._cookie_attributes(request),
        )

    async def load(self, request: Request) -> tuple[str, dict[str, Any]] | None:
        raw = request.cookies.get(self.cookie_name(request))
        if not raw:
            return None
        try:
            login_session_id = self.serializer.loads(raw, max_age=self.max_age)
        except BadSignature:
            logger.info("mountui: refused a session cookie with a bad or expired signature")
            return None
        record = await self.store.get(f"session:{login_session_id}")
        if record is None:
            return None  # ended by logout, revoked, or expired
        if self.clock() - record["created"] > self.max_age:
            await self.store.delete(f"session:{login_session_id}")
            return None
        return login_session_id, record

    async def load_own(self, request: Request, kind: str) -> tuple[str, dict[str, Any]] | None:
        """This request's session if it was made by mechanism `kind` for this UI; None otherwise (a
        session of another mechanism, or of another UI sharing the store, is not this one's)."""
        loaded = await self.load(request)
        if loaded is None:
            return None
        if loaded[1].get("kind") != kind or loaded[1].get("mount") != self.app_key(request):
            return None
        return loaded

    async def exists(self, login_session_id: str) -> bool:
        """Whether this sign-in session is still alive (not ended by signing out, not expired)."""
        return await self.store.get(f"session:{login_session_id}") is not None

    async def touch(self, login_session_id: str, record: dict[str, Any]) -> None:
        """Note that the session was used, at most once a minute (a write per request would be waste)."""
        if self.clock() - record.get("last_seen", 0) > LAST_SEEN_INTERVAL:
            await self.update(login_session_id, {**record, "last_seen": self.clock()})

    async def replace(
        self, request: Request, response: Response, username: str, kind: str, data: dict[str, Any]
    ) -> str:
        """Sign in: a fresh session id every time; the browser's previous session, if any, ends."""
        previous = await self.load(request)
        if previous is not None:
            await self.end(request, previous[0], previous[1]["username"], all_sessions=False)
        record = {"kind": kind, "mount": self.app_key(request), **data}
        login_session_id = await self.create(request, response, username, record)
        self.report_sign_in(kind, succeeded=True)
        return login_session_id

    def report_sign_in(self, kind: str, *, succeeded: bool) -> None:
        for callback in self.on_sign_in:
            callback(kind, succeeded)

    async def update(self, login_session_id: str, record: dict[str, Any]) -> None:
        remaining = self.max_age - (self.clock() - record["created"])
        if remaining > 0:
            await self.store.set(f"session:{login_session_id}", record, ttl=remaining)

    def _user_key(self, request: Request, username: str) -> str:
        # Per mounted UI: signing out of one UI does not sign the same user out of another sharing the store.
        return f"user-sessions:{self.cookie_name(request)}:{username}"

    async def end(self, request: Request, login_session_id: str, username: str, all_sessions: bool) -> None:
        """End this session, or every session of the user in this UI (all browsers, all devices)."""
        key = self._user_key(request, username)
        ids = await self.store.set_members(key) if all_sessions else set()
        ids.add(login_session_id)
        for sid in ids:
            await self.store.delete(f"session:{sid}")
            await self.store.set_remove(key, sid)
        for callback in self.on_end:
            callback(ids)

    def clear_cookie(self, request: Request, response: Response) -> None:
        delete_cookie(response, self.cookie_name(request), **self._cookie_attributes(request))
