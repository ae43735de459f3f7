"""Signing out: `GET P/logout` ends every session of the user, `?all_session=false` only this one.

A visit from the app itself (the LogoutButton) or a typed URL signs out at once; a request another site
made the browser send gets a confirmation button instead, so no other site can sign users out.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mountui.auth.csrf import cross_site_reason
from mountui.auth.login_page import auth_page_response, render_logout_confirmation
from mountui.auth.sessions import SessionManager
from mountui.http.bodies import check_declared_length, limited_receive
from mountui.http.urls import public_base_path

logger = logging.getLogger("mountui.auth")

MAX_FORM_SIZE = 4096


def wants_all_sessions(value: str | None) -> bool:
    """`?all_session=` as both sign-out routes read it: anything but false/0/no/off means every session."""
    return (value or "true").strip().lower() not in ("false", "0", "no", "off")


class LogoutRoutes:
    def __init__(self, sessions: SessionManager) -> None:
        self.sessions = sessions

    def routes(self) -> list[Route]:
        return [
            Route("/logout", self.logout_link, methods=["GET", "HEAD"]),
            Route("/logout", self.logout_form, methods=["POST"]),
        ]

    async def logout_link(self, request: Request) -> Response:
        all_sessions = wants_all_sessions(request.query_params.get("all_session"))
        if cross_site_reason(request):
            return auth_page_response("Sign out?", render_logout_confirmation(all_sessions))
        return await self._sign_out(request, all_sessions)

    async def logout_form(self, request: Request) -> Response:
        reason = cross_site_reason(request)
        if reason:
            logger.warning("mountui: refused a sign-out POST from another site (%s)", reason)
            body = "<h1>Not signed out</h1><p>This request came from another site and was refused.</p>"
            return auth_page_response("Not signed out", body, 403)
        check_declared_length(request, MAX_FORM_SIZE)
        limited = Request(request.scope, limited_receive(request.receive, MAX_FORM_SIZE))
        async with limited.form(max_files=0, max_fields=4) as form:
            all_sessions = wants_all_sessions(str(form.get("all_session") or ""))
        return await self._sign_out(request, all_sessions)

    async def _sign_out(self, request: Request, all_sessions: bool) -> Response:
        loaded = await self.sessions.load(request)
        if loaded is not None:
            login_session_id, record = loaded
            await self.sessions.end(request, login_session_id, record["username"], all_sessions)
            which = "every session" if all_sessions else "one session"
            logger.info("mountui: %r signed out (%s)", record["username"][:64], which)
        location = public_base_path(request.scope) + "/login"
        response = RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})
        self.sessions.clear_cookie(request, response)
        return response
