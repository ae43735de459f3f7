"""Signing in with an OAuth provider from inside a frame or another site's page, through a pop-up.

Providers refuse to be framed, and a cookie set in a top-level pop-up is not the one a frame sees (browsers
keep cookies per embedding site), so the sign-in happens in a pop-up and is handed back:

1. the embedded page asks `POST oauth/handoff`: a handoff id and a claim secret only it holds;
2. it opens the pop-up at `oauth/login?handoff=<id>`; after the provider, the callback keeps the new
   session's record under the handoff with a one-time code, and its page posts that code, by
   `postMessage`, to the window that opened it, if that window is at the origin that asked (the app's own,
   or one of `allowed_origins`);
3. the embedded page sends `POST oauth/handoff/redeem` with id, claim and code, and gets a session cookie
   of its own.

Redeeming takes both secrets: a handoff started by someone else and completed by a victim in a pop-up they
were sent to yields nothing (the code goes only to the opener, at the origin that asked), and a code alone
is no use without the claim.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mountui.auth.csrf import cross_site_reason
from mountui.auth.login_page import AUTH_PAGE_CSP, auth_page_response
from mountui.auth.sessions import SessionManager
from mountui.http.bodies import read_json
from mountui.http.responses import NO_STORE, JSONResponse, error_response
from mountui.http.urls import public_origin
from mountui.store import Store

HANDOFF_TTL = 600  # seconds the sign-in in the pop-up may take
START, REDEEM, SCRIPT = "/oauth/handoff", "/oauth/handoff/redeem", "/oauth/handoff.js"

# Runs in the pop-up's last page: hand the code to the window that opened it, then close.
HANDOFF_SCRIPT = """\
const el = document.getElementById("mountui-handoff");
if (el && window.opener) {
  window.opener.postMessage({ type: "mountui:signed-in", code: el.dataset.code }, el.dataset.origin);
  window.close();
}
"""
# The page may run its one script (from this app); the opener must stay reachable, so no COOP isolation.
HANDOFF_PAGE_HEADERS = {
    "Content-Security-Policy": AUTH_PAGE_CSP.replace(
        "default-src 'none';", "default-src 'none'; script-src 'self';"
    ),
    "Cross-Origin-Opener-Policy": "unsafe-none",
}


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _key(handoff_id: str) -> str:
    return f"oauth-handoff:{_digest(handoff_id)}"


class SignInHandoff:
    def __init__(self, store: Store, sessions: SessionManager, allowed_origins: tuple[str, ...]) -> None:
        self.store = store
        self.sessions = sessions
        self.allowed_origins = allowed_origins

    async def start(self, request: Request) -> Response:
        """`POST oauth/handoff` from the embedded page: a handoff id and the claim secret."""
        origin = request.headers.get("origin")
        if cross_site_reason(request) or origin is None:
            return error_response(403, "cross_site", "start a sign-in from the app's page", NO_STORE)
        if origin != public_origin(request.scope) and origin not in self.allowed_origins:
            return error_response(403, "cross_site", "this site may not embed the app", NO_STORE)
        handoff_id, claim = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        record = {"claim": _digest(claim), "origin": origin}
        await self.store.set(_key(handoff_id), record, ttl=HANDOFF_TTL)
        return JSONResponse({"id": handoff_id, "claim": claim}, headers=NO_STORE)

    async def pending(self, handoff_id: str | None) -> str | None:
        """The handoff id if it names a handoff waiting for its sign-in, else None."""
        if not handoff_id or len(handoff_id) > 100:
            return None
        record = await self.store.get(_key(handoff_id))
        return handoff_id if record is not None and "code" not in record else None

    async def complete(self, handoff_id: str, username: str, session: dict[str, Any]) -> Response:
        """The pop-up signed in: keep the session for the embedded page; this page hands over the code."""
        record = await self.store.get(_key(handoff_id))
        if record is None or "code" in record:
            return auth_page_response("Signed in", "<h1>Signed in</h1><p>Go back to the app.</p>")
        code = secrets.token_urlsafe(32)
        record = {**record, "code": _digest(code), "username": username, "session": session}
        await self.store.set(_key(handoff_id), record, ttl=HANDOFF_TTL)
        body = (
            f'<h1>Signed in</h1><p class="message" id="mountui-handoff" data-code="{html.escape(code)}" '
            f'data-origin="{html.escape(record["origin"])}">You are signed in. This window closes by itself; '
            "if it stays open, close it and go back to the page you came from.</p>"
            '<script src="handoff.js"></script>'
        )
        return auth_page_response("Signed in", body, **HANDOFF_PAGE_HEADERS)

    async def redeem(self, request: Request, kind: str) -> Response:
        """`POST oauth/handoff/redeem` {id, claim, code}: the embedded page's own session cookie."""
        if cross_site_reason(request):
            return error_response(403, "cross_site", "redeem a sign-in from the app's page", NO_STORE)
        body = await read_json(request, 4096)
        fields = [body.get(name) if isinstance(body, dict) else None for name in ("id", "claim", "code")]
        if not all(isinstance(value, str) and 0 < len(value) <= 100 for value in fields):
            return error_response(400, "invalid_request", "send {id, claim, code}", NO_STORE)
        handoff_id, claim, code = fields
        record = await self.store.get(_key(handoff_id))
        if (
            record is None
            or "code" not in record
            or not hmac.compare_digest(record["claim"], _digest(claim))
            or not hmac.compare_digest(record["code"], _digest(code))
        ):
            return error_response(
                403, "forbidden", "this sign-in cannot be handed over; sign in again", NO_STORE
            )
        await self.store.delete(_key(handoff_id))  # one use
        response = JSONResponse({"username": record["username"]}, headers=NO_STORE)
        await self.sessions.replace(request, response, record["username"], kind, record["session"])
        return response

    @staticmethod
    async def script(request: Request) -> Response:
        headers = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}
        return Response(HANDOFF_SCRIPT, media_type="text/javascript; charset=utf-8", headers=headers)
