"""`AsyncClient` and `AsyncJob`: the asyncio twins of `Client` and `Job`, over `httpx.AsyncClient`."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from mountui.client.errors import (
    AuthenticationError,
    ClientError,
    JobCancelledError,
    RateLimitError,
    error_from_response,
    parse_retry_after,
)
from mountui.client.protocol import (
    MAX_RESUMES,
    SSE_HEADERS,
    ApiInfo,
    CallState,
    Endpoint,
    JobStatus,
    SSEDecoder,
    Update,
    connection_lost,
    download_target,
    file_inputs,
    file_url,
    normalize_url,
    replace_sources,
    resume_delay,
    shape_result,
    sources_in,
)


async def check(response: httpx.Response) -> httpx.Response:
    if response.is_success:
        return response
    raise error_from_response(response.status_code, response.headers, await response.aread())


class AsyncClient:
    """A connection to one mountui app for asyncio code; use it as `async with AsyncClient(url) as client`.

    It signs in and reads the API description on first use. Arguments are those of `Client`.
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
    ) -> None:
        self.url = normalize_url(url)
        self._auth = auth
        self._http = httpx.AsyncClient(headers=headers, cookies=cookies, timeout=timeout)
        self._download_dir = Path(download_dir) if download_dir is not None else None
        self._downloads: dict[str, str] = {}
        self._api: ApiInfo | None = None
        self._ready = asyncio.Lock()

    # --- plumbing ---
    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, self.url + path, **kwargs)
        except httpx.TransportError as exc:
            raise connection_lost(str(exc) or type(exc).__name__) from exc
        return await check(response)

    async def connect(self) -> ApiInfo:
        """Sign in (with `auth`) and read the API description; done for you on first use."""
        async with self._ready:
            if self._api is None:
                if self._auth is not None:
                    await self._login(*self._auth)
                self._api = ApiInfo.from_json((await self._send("GET", "api_info")).json())
            return self._api

    async def _login(self, username: str, password: str) -> None:
        try:
            response = await self._http.post(
                self.url + "login", data={"username": username, "password": password}
            )
        except httpx.TransportError as exc:
            raise connection_lost(str(exc) or type(exc).__name__) from exc
        if response.status_code == 404:
            raise AuthenticationError(
                "this app has no password sign-in (no login page)", code="no_login", status=404
            )
        if response.status_code == 429:
            retry = parse_retry_after(response.headers.get("retry-after"))
            raise RateLimitError("too many failed sign-ins", status=429, retry_after=retry)
        if response.status_code >= 500:
            await check(response)
        if not response.is_redirect:
            raise AuthenticationError(
                "the username or password was not accepted", code="unauthorized", status=response.status_code
            )

    def _root(self) -> Path:
        if self._download_dir is None:
            self._download_dir = Path(tempfile.mkdtemp(prefix="mountui-downloads-"))
        return self._download_dir

    async def _local_path(self, ref: dict[str, Any]) -> str:
        key = str(ref["id"])
        if key in self._downloads:
            return self._downloads[key]
        target = download_target(self._root(), ref)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            async with self._http.stream("GET", file_url(self.url, ref)) as response:
                await check(response)
                with target.open("wb") as out:
                    async for chunk in response.aiter_bytes():
                        out.write(chunk)
        except httpx.TransportError as exc:
            raise connection_lost(str(exc) or type(exc).__name__) from exc
        self._downloads[key] = str(target)
        return str(target)

    async def _shape(self, ep: Endpoint, data: list[Any]) -> Any:
        # Download first (awaiting), then shape with the paths now known.
        for spec, value in zip(ep.returns, data, strict=False):
            if spec.get("file") and value:
                for ref in value if isinstance(value, list) else [value]:
                    await self._local_path(ref)
        return shape_result(ep, data, lambda ref: self._downloads[str(ref["id"])])

    async def _upload(self, values: list[Any]) -> list[Any]:
        sources = sources_in(values)
        if not sources:
            return values
        with contextlib.ExitStack() as stack:
            files = [
                ("files", (s.name, stack.enter_context(s.path.open("rb")) if s.path else s.content))
                for s in sources
            ]
            uploaded = (await self._send("POST", "upload", files=files)).json()["files"]
        return replace_sources(values, uploaded)

    # --- the API ---
    async def submit(self, *args: Any, api_name: str | None = None, **kwargs: Any) -> AsyncJob:
        """Start a call and return its AsyncJob at once."""
        api = await self.connect()
        ep = api.endpoint(api_name)
        data = await self._upload(file_inputs(ep, ep.bind(args, kwargs)))
        job = AsyncJob(self, ep, data)
        job._task = asyncio.create_task(job._follow())
        return job

    async def predict(self, *args: Any, api_name: str | None = None, **kwargs: Any) -> Any:
        """Call an endpoint and return its result: one value, a tuple for several outputs, None for none."""
        job = await self.submit(*args, api_name=api_name, **kwargs)
        return await job.result()

    async def view_api(self, print_info: bool = True) -> str | None:
        text = (await self.connect()).describe(self.url)
        if print_info:
            print(text)
            return None
        return text

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        await self.connect()
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
        self._data = data
        self._state = CallState(endpoint)
        self._changed = asyncio.Condition()
        self._updates: list[Update] = []
        self._outputs: list[Any] = []
        self._result: Any = None
        self._finished = False
        self._task: asyncio.Task[None] | None = None

    @property
    def event_id(self) -> str | None:
        return self._state.event_id

    def _open(self) -> Any:
        http, url, state = self._client._http, self._client.url, self._state
        if state.event_id is None:
            return http.stream(
                "POST", f"{url}api/{self.endpoint.name}", json={"data": self._data}, headers=SSE_HEADERS
            )
        last = {"Last-Event-ID": f"{state.event_id}:{state.last_index}"}
        return http.stream("GET", f"{url}api/events/{state.event_id}", headers={**SSE_HEADERS, **last})

    async def _follow(self) -> None:
        failures = 0
        try:
            while not self._state.done:
                try:
                    async with self._open() as response:
                        await check(response)
                        decoder = SSEDecoder()
                        async for line in response.aiter_lines():
                            event = decoder.line(line)
                            if event is not None:
                                failures = 0
                                await self._take(event)
                                if self._state.done:
                                    break
                    problem = "the stream ended before the call did"
                except httpx.TransportError as exc:
                    problem = str(exc) or type(exc).__name__
                if self._state.done:
                    break
                failures += 1
                if self._state.event_id is None or failures > MAX_RESUMES:
                    raise connection_lost(problem)
                await asyncio.sleep(resume_delay(failures))
        except ClientError as exc:
            self._state.fail(exc)
        finally:
            async with self._changed:
                self._finished = True
                self._changed.notify_all()

    async def _take(self, event: Any) -> None:
        taken = self._state.apply(event)
        output = None
        if taken is not None and taken[1] is not None:
            output = await self._client._shape(self.endpoint, taken[1])
        kind = event.event
        if kind == "output":
            self._outputs.append(output)
        elif kind == "complete":
            self._result = output
        async with self._changed:
            if kind in ("queued", "started", "progress", "output", "complete", "error"):
                self._updates.append(Update(kind, output, self._state.status))
            self._changed.notify_all()

    async def updates(self) -> AsyncIterator[Update]:
        index = 0
        while True:
            async with self._changed:
                while index >= len(self._updates) and not self._finished:
                    await self._changed.wait()
                if index >= len(self._updates):
                    return
                update = self._updates[index]
            index += 1
            yield update

    async def __aiter__(self) -> AsyncIterator[Any]:
        streamed = False
        async for update in self.updates():
            if update.kind == "output":
                streamed = True
                yield update.output
            elif update.kind == "complete" and not streamed:
                yield update.output
        error = self._state.error
        if error is not None and not isinstance(error, JobCancelledError):
            raise error

    async def result(self, timeout: float | None = None) -> Any:
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: self._finished), timeout)
            except TimeoutError:
                raise TimeoutError(f"{self.endpoint.name} did not finish within {timeout} s") from None
        if self._state.error is not None:
            raise self._state.error
        return self._result

    def status(self) -> JobStatus:
        return self._state.status

    def done(self) -> bool:
        return self._finished

    def outputs(self) -> list[Any]:
        return list(self._outputs)

    async def cancel(self, timeout: float = 10.0) -> bool:
        """Ask the app to stop this call; False if it had already ended."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self._state.event_id is not None or self._finished),
                    timeout,
                )
        if self._finished or self._state.event_id is None:
            return False
        answer = (await self._client._send("DELETE", f"api/events/{self._state.event_id}")).json()
        return bool(answer.get("cancelled"))

    def __repr__(self) -> str:
        return f"<mountui.AsyncJob {self.endpoint.name} {self._state.status.code}>"
