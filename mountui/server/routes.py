"""The HTTP routes of a mounted UI. Thin: parse, hand over to the pipeline, render."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import anyio.to_thread
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from mountui.auth.identity import ANONYMOUS
from mountui.errors import CallError
from mountui.http.bodies import check_declared_length, limited_receive, read_json
from mountui.http.event_stream import EventStreamResponse
from mountui.http.responses import NO_STORE, STATUS_BY_CODE, JSONResponse
from mountui.http.urls import public_base_path
from mountui.server.api_docs import ApiDocs
from mountui.server.deep_links import link_owner
from mountui.server.files import StoredFile, served_type
from mountui.server.jobs import Caller, Job, RemoteJob
from mountui.server.page import FAVICON_SVG, PAGE_CSP, SECURITY_HEADERS, render_page
from mountui.server.streams import call_events
from mountui.server.tab_ids import TabIds

if TYPE_CHECKING:
    from mountui.server.app import UIApp


def caller_for(request: Request, tabs: TabIds) -> Caller:
    identity = request.scope.get("mountui.identity", ANONYMOUS)
    tab_id = request.headers.get("x-mountui-session")
    if tab_id is not None and not tabs.verify(tab_id):
        raise CallError(400, "invalid_session", "X-MountUI-Session is not a session id issued by this app")
    return Caller(
        username=identity.username,
        tab_id=tab_id,
        request=request,
        base_path=public_base_path(request.scope),
        oauth_profile=identity.oauth_profile,
        oauth_token=identity.oauth_token,
        login_session_id=identity.login_session_id,
    )


class Routes:
    def __init__(self, ui: UIApp) -> None:
        self.ui = ui

    def routes(self) -> list[Route]:
        return [
            Route("/", self.page, methods=["GET", "HEAD"]),
            Route("/config", self.config, methods=["GET"]),
            Route("/api/events/{event_id}", self.events, methods=["GET"]),
            Route("/api/events/{event_id}", self.cancel, methods=["DELETE"]),
            Route("/api/{endpoint}", self.call, methods=["POST"]),
            # Only apps with a file input take uploads at all.
            *([Route("/upload", self.upload, methods=["POST"])] if self.ui.accepts_files else []),
            Route("/file/{file_id}", self.file, methods=["GET", "HEAD"]),
            Route("/static/{name:path}", self.static, methods=["GET", "HEAD"]),
            Route("/embed.js", self.embed_script, methods=["GET", "HEAD"]),
            Route("/favicon.ico", self.favicon, methods=["GET", "HEAD"]),
            Route("/healthz", self.healthz, methods=["GET", "HEAD"]),
            *ApiDocs(self.ui).routes(),
            *self.ui.deep_links.routes(),
            *(self.ui.pwa.routes() if self.ui.pwa is not None else []),
        ]

    # --- the page and its configuration ---
    async def page(self, request: Request) -> Response:
        config = await self.ui.config_for(request)
        headers = {**SECURITY_HEADERS, "Content-Security-Policy": self.ui.page_csp(PAGE_CSP), **NO_STORE}
        head = self.ui.pwa.head_tags() if self.ui.pwa is not None else ()
        return HTMLResponse(render_page(config, self.ui.assets, head), headers=headers)

    async def config(self, request: Request) -> Response:
        return JSONResponse(await self.ui.config_for(request), headers=NO_STORE)

    # --- calls ---
    async def call(self, request: Request) -> Response:
        pipeline = self.ui.pipeline
        dep = pipeline.endpoint(request.path_params["endpoint"])
        body = await read_json(request, self.ui.settings.max_body_size)
        values = pipeline.validate(dep, body)
        caller = caller_for(request, self.ui.tabs)
        if "text/event-stream" in request.headers.get("accept", ""):
            job = await pipeline.start(dep, values, caller)
            return self._stream(job, after=-1)
        job = await pipeline.start(dep, values, caller, stream=False)
        disconnected = asyncio.ensure_future(self._wait_disconnect(request))
        done, _ = await asyncio.wait((job.done, disconnected), return_when=asyncio.FIRST_COMPLETED)
        if job.done not in done:
            pipeline.cancel(job)
            return Response(status_code=499)
        disconnected.cancel()
        event, data = job.done.result()
        if event == "complete":
            return JSONResponse(data, headers=NO_STORE)
        status = STATUS_BY_CODE.get(data["code"], 400)
        retry = {"Retry-After": str(data["retry_after"])} if "retry_after" in data else {}
        return JSONResponse({"error": data}, status_code=status, headers={**NO_STORE, **retry})

    @staticmethod
    async def _wait_disconnect(request: Request) -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    def _stream(self, job: Job | RemoteJob, after: int) -> Response:
        heartbeat = self.ui.settings.heartbeat_interval
        return EventStreamResponse(call_events(self.ui.pipeline, job, after, heartbeat))

    async def events(self, request: Request) -> Response:
        event_id = request.path_params["event_id"]
        job = await self.ui.pipeline.find_job(event_id, caller_for(request, self.ui.tabs).username)
        after = -1
        last = request.headers.get("last-event-id")
        if last:
            prefix, _, number = last.rpartition(":")
            if prefix != event_id or not number.isdigit():
                raise CallError(400, "invalid_request", "Last-Event-ID must be '<event_id>:<n>' of this call")
            after = int(number)
            # Asked to resume before the oldest event the log still keeps: say so rather than skip silently.
            kept = await self.ui.store.log_read(event_id, after, timeout=0)
            if kept.first > after + 1:
                raise CallError(
                    410,
                    "resume_too_old",
                    f"events after {last} are no longer kept (a call's log keeps only its latest events: "
                    "event_log_max_events, event_log_max_bytes); start the call again",
                )
        return self._stream(job, after)

    async def cancel(self, request: Request) -> Response:
        job = await self.ui.pipeline.find_job(
            request.path_params["event_id"], caller_for(request, self.ui.tabs).username
        )
        self.ui.pipeline.cancel(job)
        return JSONResponse({"cancelled": not job.is_done}, headers=NO_STORE)

    # --- files ---
    async def upload(self, request: Request) -> Response:
        settings = self.ui.settings
        limit = settings.max_file_size * settings.max_files_per_upload + 64 * 1024
        check_declared_length(request, limit)
        limited = Request(request.scope, limited_receive(request.receive, limit))
        caller = caller_for(request, self.ui.tabs)
        try:
            form = await limited.form(max_files=settings.max_files_per_upload, max_fields=20)
        except CallError:
            raise
        except Exception as exc:
            raise CallError(400, "invalid_request", f"could not read the upload: {exc}") from None
        try:
            uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
            if not uploads:
                raise CallError(400, "validation_error", "send the files as multipart field 'files'")
            if not self.ui.files.room_for(sum(u.size or 0 for u in uploads), settings.max_upload_storage):
                raise CallError(
                    507,
                    "storage_full",
                    "the app's upload storage is full (max_upload_storage); try again later",
                )
            for upload in uploads:
                if (upload.size or 0) > settings.max_file_size:
                    raise CallError(
                        413,
                        "payload_too_large",
                        f"{upload.filename} is over max_file_size ({settings.max_file_size} bytes)",
                    )
            stored: list[StoredFile] = []
            try:
                for upload in uploads:
                    stored.append(
                        await anyio.to_thread.run_sync(
                            self.ui.files.add_stream, upload.file, upload.filename, caller.username, None
                        )
                    )
            except BaseException:
                for done in stored:  # all of the request's files or none
                    self.ui.files.remove(done.id)
                raise
        finally:
            await form.close()
        return JSONResponse({"files": [s.wire(caller.base_path) for s in stored]}, headers=NO_STORE)

    async def file(self, request: Request) -> Response:
        # A file a deep link kept is its link's: whoever opens the link (and may use the app) sees it.
        link_id = request.query_params.get("deep_link")
        owner = link_owner(link_id) if link_id else caller_for(request, self.ui.tabs).username
        stored = await self.ui.files.fetch(request.path_params["file_id"], owner)
        return FileResponse(
            stored.path,
            filename=stored.name,
            media_type=served_type(stored.mime_type),
            content_disposition_type="attachment",
            headers={
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "sandbox; default-src 'none'",
                "Cache-Control": "private, max-age=3600",
            },
        )

    # --- public odds and ends ---
    async def static(self, request: Request) -> Response:
        return self.ui.assets.response(request, request.path_params["name"])

    async def embed_script(self, request: Request) -> Response:
        return self.ui.assets.embed_script()

    async def favicon(self, request: Request) -> Response:
        if self.ui.settings.favicon_path is not None:
            return FileResponse(
                self.ui.settings.favicon_path, headers={"Cache-Control": "public, max-age=86400"}
            )
        return Response(
            FAVICON_SVG, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
        )

    async def healthz(self, request: Request) -> Response:
        if self.ui.pipeline.closing:  # draining: a load balancer sends new callers elsewhere
            return JSONResponse({"status": "shutting_down"}, status_code=503, headers=NO_STORE)
        return JSONResponse({"status": "ok"}, headers=NO_STORE)
