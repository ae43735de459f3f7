"""`Client` and `Job`: call a mountui app from Python (blocking; `AsyncClient` is the asyncio twin)."""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from collections.abc import Iterator
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


def check(response: httpx.Response) -> httpx.Response:
    if response.is_success:
        return response
    raise error_from_response(response.status_code, response.headers, response.read())


class Client:
    """A connection to one mountui app.

        client = Client("https://example.com/ui/", auth=("alice", "secret"))
        client.predict("World", api_name="greet")

    `auth` signs in to an app with password login; `headers` and `cookies` go with every request (for an
    app behind its host's sign-in); file results are downloaded into `download_dir` (default: a new
    temporary folder). `timeout` is how long to wait for an answer or for the next event of a call.
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
        self._http = httpx.Client(headers=headers, cookies=cookies, timeout=timeout)
        self._download_dir = Path(download_dir) if download_dir is not None else None
        self._downloads: dict[str, str] = {}
        self._lock = threading.Lock()
        try:
            if auth is not None:
                self._login(*auth)
            self.api = ApiInfo.from_json(self._send("GET", "api_info").json())
        except BaseException:
            self._http.close()
            raise

    # --- plumbing ---
    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, self.url + path, **kwargs)
        except httpx.TransportError as exc:
            raise connection_lost(str(exc) or type(exc).__name__) from exc
        return check(response)

    def _login(self, username: str, password: str) -> None:
        try:
            response = self._http.post(self.url + "login", data={"username": username, "password": password})
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
            check(response)
        if not response.is_redirect:
            raise AuthenticationError(
                "the username or password was not accepted", code="unauthorized", status=response.status_code
            )

    @property
    def download_dir(self) -> Path:
        with self._lock:
            if self._download_dir is None:
                self._download_dir = Path(tempfile.mkdtemp(prefix="mountui-downloads-"))
            return self._download_dir

    def _local_path(self, ref: dict[str, Any]) -> str:
        key = str(ref["id"])
        if key in self._downloads:
            return self._downloads[key]
        target = download_target(self.download_dir, ref)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._http.stream("GET", file_url(self.url, ref)) as response:
                check(response)
                with target.open("wb") as out:
                    for chunk in response.iter_bytes():
                        out.write(chunk)
        except httpx.TransportError as exc:
            raise connection_lost(str(exc) or type(exc).__name__) from exc
        self._downloads[key] = str(target)
        return str(target)

    def _upload(self, values: list[Any]) -> list[Any]:
        sources = sources_in(values)
        if not sources:
            return values
        with contextlib.ExitStack() as stack:
            files = [
                ("files", (s.name, stack.enter_context(s.path.open("rb")) if s.path else s.content))
                for s in sources
            ]
            uploaded = self._send("POST", "upload", files=files).json()["files"]
        return replace_sources(values, uploaded)

    def _shape(self, ep: Endpoint, data: list[Any]) -> Any:
        return shape_result(ep, data, self._local_path)

    # --- the API ---
    def submit(self, *args: Any, api_name: str | None = None, **kwargs: Any) -> Job:
        """Start a call and return its Job at once; the call runs while you do other things."""
        job = self._job(args, api_name, kwargs)
        job._start()
        return job

    def predict(self, *args: Any, api_name: str | None = None, **kwargs: Any) -> Any:
        """Call an endpoint and return its result: one value, a tuple for several outputs, None for none."""
        job = self._job(args, api_name, kwargs)
        job._follow()
        return job.result()

    def _job(self, args: tuple[Any, ...], api_name: str | None, kwargs: dict[str, Any]) -> Job:
        ep = self.api.endpoint(api_name)
        data = self._upload(file_inputs(ep, ep.bind(args, kwargs)))
        return Job(self, ep, data)

    def view_api(self, print_info: bool = True) -> str | None:
        """Print (or return, with print_info=False) each endpoint's parameters and results."""
        text = self.api.describe(self.url)
        if print_info:
            print(text)
            return None
        return text

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<mountui.Client {self.url}>"


class Job:
    """A running call. Iterate it for partial results; `result()` waits for the final one."""

    def __init__(self, client: Client, endpoint: Endpoint, data: list[Any]) -> None:
        self._client = client
        self.endpoint = endpoint
        self._data = data
        self._state = CallState(endpoint)
        self._cond = threading.Condition()
        self._updates: list[Update] = []
        self._outputs: list[Any] = []
        self._result: Any = None
        self._finished = False

    @property
    def event_id(self) -> str | None:
        return self._state.event_id

    def _start(self) -> None:
        threading.Thread(target=self._follow, name=f"mountui job {self.endpoint.name}", daemon=True).start()

    def _open(self) -> Any:
        http, url, state = self._client._http, self._client.url, self._state
        if state.event_id is None:
            return http.stream(
                "POST", f"{url}api/{self.endpoint.name}", json={"data": self._data}, headers=SSE_HEADERS
            )
        last = {"Last-Event-ID": f"{state.event_id}:{state.last_index}"}
        return http.stream("GET", f"{url}api/events/{state.event_id}", headers={**SSE_HEADERS, **last})

    def _follow(self) -> None:
        """Read the call's events until it ends, resuming the stream after a dropped connection."""
        failures = 0
        try:
            while not self._state.done:
                try:
                    with self._open() as response:
                        check(response)
                        decoder = SSEDecoder()
                        for line in response.iter_lines():
                            event = decoder.line(line)
                            if event is not None:
                                failures = 0
                                self._take(event)
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
                time.sleep(resume_delay(failures))
        except ClientError as exc:
            with self._cond:
                self._state.fail(exc)
        finally:
            with self._cond:
                self._finished = True
                self._cond.notify_all()

    def _take(self, event: Any) -> None:
        with self._cond:
            taken = self._state.apply(event)
            status = self._state.status
        kind, output = event.event, None
        if taken is not None and taken[1] is not None:
            output = self._client._shape(self.endpoint, taken[1])
        with self._cond:
            if kind == "output":
                self._outputs.append(output)
            elif kind == "complete":
                self._result = output
            if kind in ("queued", "started", "progress", "output", "complete", "error"):
                self._updates.append(Update(kind, output, status))
            self._cond.notify_all()

    # --- what users call ---
    def updates(self) -> Iterator[Update]:
        """Every event of the call as an Update (queued, started, progress, output, complete, error)."""
        index = 0
        while True:
            with self._cond:
                while index >= len(self._updates) and not self._finished:
                    self._cond.wait()
                if index >= len(self._updates):
                    return
                update = self._updates[index]
            index += 1
            yield update

    def __iter__(self) -> Iterator[Any]:
        """Each partial result of a generator as it comes (the result alone for a plain function)."""
        streamed = False
        for update in self.updates():
            if update.kind == "output":
                streamed = True
                yield update.output
            elif update.kind == "complete" and not streamed:
                yield update.output
        error = self._state.error
        if error is not None and not isinstance(error, JobCancelledError):
            raise error

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the call to end and return its result, or raise why it failed."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._finished, timeout):
                raise TimeoutError(f"{self.endpoint.name} did not finish within {timeout} s")
        if self._state.error is not None:
            raise self._state.error
        return self._result

    def status(self) -> JobStatus:
        with self._cond:
            return self._state.status

    def done(self) -> bool:
        with self._cond:
            return self._finished

    def outputs(self) -> list[Any]:
        """The partial results streamed so far."""
        with self._cond:
            return list(self._outputs)

    def cancel(self, timeout: float = 10.0) -> bool:
        """Ask the app to stop this call; False if it had already ended."""
        with self._cond:
            self._cond.wait_for(lambda: self._state.event_id is not None or self._finished, timeout)
            if self._finished or self._state.event_id is None:
                return False
            event_id = self._state.event_id
        answer = self._client._send("DELETE", f"api/events/{event_id}").json()
        return bool(answer.get("cancelled"))

    def __repr__(self) -> str:
        return f"<mountui.Job {self.endpoint.name} {self.status().code}>"
