"""`AsyncClient` and `AsyncJob`: the asyncio twins of `Client` and `Job`. The protocol is in `protocol` and
`calls`; this module only moves bytes over an `httpx.AsyncClient`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from mountui.client.api_info import ApiInfo, Endpoint
from mountui.client.calls import STREAM_ENDED, Call, JobStatus, Update
from mountui.client.errors import ClientError, connection_lost
from mountui.client.protocol import (
    Answer,
    ClientProtocol,
    Flow,
    Request,
    T,
    check_http_options,
    run_flow_async,
)


class AsyncClient:
    """A connection to one mountui app for asyncio code: `async with AsyncClient(url) as client`.

    It connects when opened, like `Client`: `async with` (or `await client.connect()`) signs in and reads
    the API description, so a wrong URL or password fails there. A constructor cannot await, so a client
    used without either connects on its first call instead. Arguments are those of `Client`, with an
    async httpx transport (`httpx.ASGITransport(app=...)` serves an app in-process) or `httpx.AsyncClient`.
    """

    def __init__(
        self,
        url: str,
        auth: tuple[str, str] | None = None,
        *,
        headers: dict[str, str] | None = None,
        cookies: dict[str, str] | None = None,
        timeout: float = 30.0,
        download_dir: str | Path | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        httpx_client: httpx.AsyncClient | None = None,
    ) -> None:
        check_http_options(
            "AsyncClient",
            httpx_client=httpx_client,
            client_type=httpx.AsyncClient,
            transport=transport,
            transport_type=httpx.AsyncBaseTransport,
            headers=headers,
            cookies=cookies,
        )
        self._protocol = ClientProtocol(url, auth, download_dir)
        self.url = self._protocol.url
        self._owns_http = httpx_client is None
        self._http = httpx_client or httpx.AsyncClient(
            headers=headers, cookies=cookies, timeout=timeout, transport=transport
        )
        self._ready = asyncio.Lock()

    # --- moving bytes ---
    async def _exchange(self, request: Request) -> Answer:
        try:
            if request.download_to is None:
                response = await self._http.request(request.method, request.url, **request.arguments())
                return Answer(response.status_code, response.headers, response.content)
            async with self._http.stream(request.method, request.url, **request.arguments()) as response:
                if not response.is_success:
                    return Answer(response.status_code, response.headers, await response.aread())
                request.download_to.parent.mkdir(parents=True, exist_ok=True)
                with request.download_to.open("wb") as out:
                    async for chunk in response.aiter_bytes():
                        out.write(chunk)
                return Answer(response.status_code, response.headers)
        except httpx.TransportError as exc:
            raise connection_lost(exc) from exc

    async def _run(self, flow: Flow[T]) -> T:
        return await run_flow_async(flow, self._exchange)

    async def _send(self, method: str, path: str, **kwargs: Any) -> Answer:
        return await self._run(self._protocol.send(Request(method, self.url + path, **kwargs)))

    # --- the API ---
    async def connect(self) -> ApiInfo:
        """Sign in (with `auth`) and read the API description; `async with` does it for you."""
        async with self._ready:  # two first calls at once sign in once
            return await self._run(self._protocol.connect())

    @property
    def api(self) -> ApiInfo:
        """The app's API description (endpoints, parameters, results), once connected."""
        if self._protocol.api is None:
            raise ClientError(
                "not connected yet; use `async with AsyncClient(url)` or `await client.connect()` first",
                code="not_connected",
            )
        return self._protocol.api

    @property
    def download_dir(self) -> Path:
        return self._protocol.download_dir

    async def submit(self, *args: Any, api_name: str | None = None, **kwargs: Any) -> AsyncJob:
        """Start a call and return its AsyncJob at once; the call runs while you do other things."""
        await self.connect()
        job = AsyncJob(self, *await self._run(self._protocol.prepare(args, api_name, kwargs)))
        job._task = asyncio.create_task(job._follow())
        return job

    async def predict(self, *args: Any, api_name: str | None = None, **kwargs: Any) -> Any:
        """Call an endpoint and return its result: one value, a tuple for several outputs, None for none."""
        job = await self.submit(*args, api_name=api_name, **kwargs)
        return await job.result()

    async def view_api(self, print_info: bool = True) -> str | None:
        """Print (or return, with print_info=False) each endpoint's parameters and results."""
        text = (await self.connect()).describe(self.url)
        if print_info:
            print(text)
            return None
        return text

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        try:
            await self.connect()
        except BaseException:
            await self.aclose()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<mountui.AsyncClient {self.url}>"


class AsyncJob:
    """A running call: `async for output in job`, `await job.result()`, `await job.cancel()`."""

    def __init__(self, client: AsyncClient, endpoint: Endpoint, data: list[Any]) -> None:
        self._client = client
        self.endpoint = endpoint
        self._call = Call(client.url, endpoint, data)
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    @property
    def event_id(self) -> str | None:
        return self._call.event_id

    async def _follow(self) -> None:
        """Read the call's events until it ends, resuming the stream after a dropped connection."""
        call, http = self._call, self._client._http
        try:
            while not call.done:
                request = call.open_request()
                try:
                    async with http.stream(request.method, request.url, **request.arguments()) as response:
                        if not response.is_success:
                            call.opened(
                                Answer(response.status_code, response.headers, await response.aread())
                            )
                        async for line in response.aiter_lines():
                            event = call.feed(line)
                            if event is not None:
                                await self._take(event)
                                if call.done:
                                    break
                    problem = STREAM_ENDED
                except httpx.TransportError as exc:
                    problem = str(exc) or type(exc).__name__
                if call.done:
                    break
                await asyncio.sleep(call.resume_delay(problem))
        except ClientError as exc:
            call.fail(exc)
        finally:
            async with self._changed:
                call.finished = True
                self._changed.notify_all()

    async def _take(self, event: Any) -> None:
        taken = self._call.apply(event)
        if taken is None:
            return
        kind, wire = taken
        output = (
            None
            if wire is None
            else await self._client._run(self._client._protocol.shape(self.endpoint, wire))
        )
        async with self._changed:
            self._call.record(kind, output)
            self._changed.notify_all()

    # --- what users call ---
    async def updates(self) -> AsyncIterator[Update]:
        """Every event of the call as an Update (queued, started, progress, output, complete, error)."""
        index = 0
        while True:
            async with self._changed:
                await self._changed.wait_for(functools.partial(self._call.has_update, index))
                if index >= len(self._call.updates):
                    return
                update = self._call.updates[index]
            index += 1
            yield update

    async def __aiter__(self) -> AsyncIterator[Any]:
        """Each partial result of a generator as it comes (the result alone for a plain function)."""
        streamed = False
        async for update in self.updates():
            if Call.iterated(update, streamed):
                streamed = streamed or update.kind == "output"
                yield update.output
        error = self._call.iteration_error()
        if error is not None:
            raise error

    async def result(self, timeout: float | None = None) -> Any:
        """Wait for the call to end and return its result, or raise why it failed."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: self._call.finished), timeout)
            except TimeoutError:
                raise self._call.timed_out(timeout) from None
            return self._call.outcome()

    def status(self) -> JobStatus:
        return self._call.status

    def done(self) -> bool:
        return self._call.finished

    def outputs(self) -> list[Any]:
        """The partial results streamed so far."""
        return list(self._call.outputs)

    async def cancel(self, timeout: float = 10.0) -> bool:
        """Ask the app to stop this call; False if it had already ended."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self._call.event_id is not None or self._call.finished),
                    timeout,
                )
            request = self._call.cancel_request()
        return await self._client._run(self._client._protocol.cancel(request))

    def __repr__(self) -> str:
        return f"<mountui.AsyncJob {self.endpoint.name} {self._call.status.code}>"
