"""The tester's browser: one cookie jar, the app in-process (over httpx's ASGI transport, its lifespan run) or
at a live URL, and the requests the page makes. Requests are built and answers read by the client's sans-IO
core (`mountui.client.protocol` for sign-in, configuration and uploads; `calls.Call` for event streams).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from mountui.client.api_info import Endpoint
from mountui.client.calls import STREAM_ENDED, Call
from mountui.client.errors import ClientError
from mountui.client.protocol import Answer, ClientProtocol, Flow, Request, T, run_flow_async
from mountui.testing.errors import UITestError
from mountui.testing.lifespan import lifespan, with_lifespan_state

SESSION_HEADER = "X-MountUI-Session"
IN_PROCESS_ORIGIN = "http://testserver"
LOST = "The connection to the server was lost before the result arrived."
UNREACHABLE = "Could not reach the server. Check your connection and try again."
FAILED = "The app failed to handle this request."


class CallFailed(Exception):
    """A request of the page failed; `message` is the toast the page shows."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def toast_text(answer: Answer) -> str:
    """What the page's `ApiError.fromResponse` shows for a refused request."""
    message = f"The server answered {answer.status}"
    try:
        error = json.loads(answer.body).get("error") or {}
        message = str(error.get("message") or message)
    except (ValueError, AttributeError):
        pass
    retry = answer.headers.get("retry-after")
    if answer.status == 429 and retry:
        message += f" (try again in {retry} s)"
    return message


class Connection:
    """What a browser holds for one app: its address, cookies, sign-in and the app's lifespan."""

    def __init__(
        self,
        app: Any,
        path: str,
        *,
        auth: tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.app = app
        self.path = "/" + path.strip("/") + "/" if path.strip("/") else "/"
        self.auth = auth
        self.headers = dict(headers or {})
        self.timeout = timeout
        self._stack = contextlib.AsyncExitStack()
        self.http: httpx.AsyncClient | None = None
        self.protocol: ClientProtocol | None = None

    async def open(self) -> None:
        try:
            if isinstance(self.app, str):
                origin, transport = self.app.rstrip("/"), None
            else:
                state = await self._stack.enter_async_context(lifespan(self.app, self.timeout))
                origin = IN_PROCESS_ORIGIN
                transport = httpx.ASGITransport(app=with_lifespan_state(self.app, state))
            self.protocol = ClientProtocol(origin + self.path, self.auth, None)
            self.http = httpx.AsyncClient(transport=transport, headers=self.headers, timeout=self.timeout)
            self._stack.push_async_callback(self.http.aclose)
            if self.auth is not None:
                try:
                    await self._run(self.protocol.login(*self.auth))
                except ClientError as exc:
                    raise UITestError(f"could not sign in as {self.auth[0]!r}: {exc.message}") from None
        except CallFailed as exc:
            await self.close()
            raise UITestError(f"could not reach the app at {self.base}: {exc.message}") from exc
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        await self._stack.aclose()

    @property
    def base(self) -> str:
        assert self.protocol is not None, "open() the connection first"
        return self.protocol.url

    # --- moving bytes for the client's flows ---
    async def _exchange(self, request: Request) -> Answer:
        assert self.http is not None
        try:
            response = await self.http.request(request.method, request.url, **request.arguments())
        except httpx.TransportError as exc:
            raise CallFailed(UNREACHABLE) from exc
        return Answer(response.status_code, response.headers, response.content)

    async def _run(self, flow: Flow[T]) -> T:
        return await run_flow_async(flow, self._exchange)

    # --- what the page asks for ---
    async def config(self) -> dict[str, Any]:
        """The configuration a new tab receives (a fresh tab id each time)."""
        try:
            answer = await self._exchange(
                Request("GET", self.base + "config", headers={"Accept": "application/json"})
            )
        except CallFailed as exc:
            raise UITestError(f"could not reach the app at {self.base}: {exc.message}") from exc
        if answer.status in (401, 403):
            raise UITestError(
                f"{self.base}config answered {answer.status}: not signed in; pass auth=(username, password) "
                "for password sign-in, or headers= that your auth_dependency accepts"
            )
        if answer.status == 404:
            raise UITestError(
                f"no mountui app at {self.base} (config answered 404); pass path= where it is mounted"
            )
        try:
            return answer.check().json()
        except ClientError as exc:
            raise UITestError(f"{self.base}config failed: {exc}") from None

    def _tab(self, session_id: str | None, extra: dict[str, str]) -> dict[str, str]:
        return {**extra, SESSION_HEADER: session_id} if session_id else dict(extra)

    async def upload(self, files: list[tuple[str, bytes]], session_id: str | None) -> list[dict[str, Any]]:
        """Upload files as the page does; their file values (with `url`)."""
        parts = [("files", (name, content)) for name, content in files]
        request = Request("POST", self.base + "upload", headers=self._tab(session_id, {}), files=parts)
        answer = await self._exchange(request)
        if not answer.is_success:
            raise CallFailed(toast_text(answer))
        uploaded = answer.json().get("files") or []
        return [{**f, "url": f.get("url") or f"file/{f['id']}"} for f in uploaded]

    async def call(
        self, endpoint: str, data: list[Any], session_id: str | None, on_event: Callable[[str, Any], None]
    ) -> None:
        """Call an endpoint as an event stream, handing each event to `on_event`; raise CallFailed when the
        request is refused or the connection is lost (an `error` event is an event like the others).
        """
        assert self.http is not None
        call = Call(self.base, Endpoint(endpoint, "", True, [], []), data)
        while not call.done:
            request = call.open_request()
            request = replace(request, headers=self._tab(session_id, request.headers))
            try:
                async with self.http.stream(request.method, request.url, **request.arguments()) as response:
                    if not response.is_success:
                        raise CallFailed(
                            toast_text(Answer(response.status_code, response.headers, await response.aread()))
                        )
                    if "text/event-stream" not in response.headers.get("content-type", ""):
                        on_event("complete", json.loads(await response.aread()))
                        return
                    async for line in response.aiter_lines():
                        event = call.feed(line)
                        if event is None:
                            continue
                        call.apply(event)
                        on_event(event.event, event.data)
                        if call.done:
                            return
                problem = STREAM_ENDED
            except httpx.TransportError as exc:
                if call.event_id is None:
                    raise CallFailed(UNREACHABLE) from exc
                problem = str(exc) or type(exc).__name__
            try:
                delay = call.resume_delay(problem)
            except ClientError:
                raise CallFailed(LOST) from None
            await asyncio.sleep(delay)


def read_upload(source: str | Path | tuple[str, bytes]) -> tuple[str, bytes]:
    """A file to upload: a local path, or `(name, bytes)`."""
    if isinstance(source, tuple):
        name, content = source
        return str(name), bytes(content)
    path = Path(source).expanduser()
    if not path.is_file():
        raise UITestError(f"no file to upload at {str(path)!r}")
    return path.name, path.read_bytes()
