"""`Client` and `Job`: call a mountui app from Python, blocking. The protocol is in `protocol` and `calls`;
this module only moves bytes over an `httpx.Client` (`async_client` is its asyncio twin).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
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
    run_flow,
)


class Client:
    """A connection to one mountui app.

        client = Client("https://example.com/ui/", auth=("alice", "secret"))
        client.predict("World", api_name="greet")

    It connects at once: the constructor signs in (with `auth`) and reads the API description, so a wrong
    URL or password fails here. (`AsyncClient` does the same on `async with`.)

    `auth` signs in to an app with password login; `headers` and `cookies` go with every request (for an
    app behind its host's sign-in); file results are downloaded into `download_dir` (default: a new
    temporary folder). `timeout` is how long to wait for an answer or for the next event of a call.
    `transport` is any sync httpx transport (`httpx.MockTransport`, a WSGI one...); or pass your own
    `httpx_client` (its headers, cookies and timeout then apply; closing it stays your job).
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
        transport: httpx.BaseTransport | None = None,
        httpx_client: httpx.Client | None = None,
    ) -> None:
        check_http_options(
            "Client",
            httpx_client=httpx_client,
            client_type=httpx.Client,
            transport=transport,
            transport_type=httpx.BaseTransport,
            headers=headers,
            cookies=cookies,
        )
        self._protocol = ClientProtocol(url, auth, download_dir)
        self.url = self._protocol.url
        self._owns_http = httpx_client is None
        self._http = httpx_client or httpx.Client(
            headers=headers, cookies=cookies, timeout=timeout, transport=transport
        )
        try:
            self.connect()
        except BaseException:
            self.close()
            raise

    # --- moving bytes ---
    def _exchange(self, request: Request) -> Answer:
        try:
            if request.download_to is None:
                response = self._http.request(request.method, request.url, **request.arguments())
                return Answer(response.status_code, response.headers, response.content)
            with self._http.stream(request.method, request.url, **request.arguments()) as response:
                if not response.is_success:
                    return Answer(response.status_code, response.headers, response.read())
                request.download_to.parent.mkdir(parents=True, exist_ok=True)
                with request.download_to.open("wb") as out:
                    for chunk in response.iter_bytes():
                        out.write(chunk)
                return Answer(response.status_code, response.headers)
        except httpx.TransportError as exc:
            raise connection_lost(exc) from exc

    def _run(self, flow: Flow[T]) -> T:
        return run_flow(flow, self._exchange)

    def _send(self, method: str, path: str, **kwargs: Any) -> Answer:
        return self._run(self._protocol.send(Request(method, self.url + path, **kwargs)))

    # --- the API ---
    def connect(self) -> ApiInfo:
        """Sign in (with `auth`) and read the API description; the constructor already did."""
        return self._run(self._protocol.connect())

    @property
    def api(self) -> ApiInfo:
        """The app's API description (endpoints, parameters, results)."""
        return self.connect()

    @property
    def download_dir(self) -> Path:
        return self._protocol.download_dir

    def submit(self, *args: Any, api_name: str | None = None, **kwargs: Any) -> Job:
        """Start a call and return its Job at once; the call runs while you do other things."""
        job = Job(self, *self._run(self._protocol.prepare(args, api_name, kwargs)))
        threading.Thread(target=job._follow, name=f"mountui job {job.endpoint.name}", daemon=True).start()
        return job

    def predict(self, *args: Any, api_name: str | None = None, **kwargs: Any) -> Any:
        """Call an endpoint and return its result: one value, a tuple for several outputs, None for none."""
        job = Job(self, *self._run(self._protocol.prepare(args, api_name, kwargs)))
        job._follow()
        return job.result()

    def view_api(self, print_info: bool = True) -> str | None:
        """Print (or return, with print_info=False) each endpoint's parameters and results."""
        text = self.connect().describe(self.url)
        if print_info:
            print(text)
            return None
        return text

    def close(self) -> None:
        if self._owns_http:
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
        self._call = Call(client.url, endpoint, data)
        self._cond = threading.Condition()

    @property
    def event_id(self) -> str | None:
        return self._call.event_id

    def _follow(self) -> None:
        """Read the call's events until it ends, resuming the stream after a dropped connection."""
        call, http = self._call, self._client._http
        try:
            while not call.done:
                request = call.open_request()
                try:
                    with http.stream(request.method, request.url, **request.arguments()) as response:
                        if not response.is_success:
                            call.opened(Answer(response.status_code, response.headers, response.read()))
                        for line in response.iter_lines():
                            event = call.feed(line)
                            if event is not None:
                                self._take(event)
                                if call.done:
                                    break
                    problem = STREAM_ENDED
                except httpx.TransportError as exc:
                    problem = str(exc) or type(exc).__name__
                if call.done:
                    break
                with self._cond:
                    delay = call.resume_delay(problem)
                time.sleep(delay)
        except ClientError as exc:
            with self._cond:
                call.fail(exc)
        finally:
            with self._cond:
                call.finished = True
                self._cond.notify_all()

    def _take(self, event: Any) -> None:
        with self._cond:
            taken = self._call.apply(event)
        if taken is None:
            return
        kind, wire = taken
        output = (
            None if wire is None else self._client._run(self._client._protocol.shape(self.endpoint, wire))
        )
        with self._cond:
            self._call.record(kind, output)
            self._cond.notify_all()

    # --- what users call ---
    def updates(self) -> Iterator[Update]:
        """Every event of the call as an Update (queued, started, progress, output, complete, error)."""
        index = 0
        while True:
            with self._cond:
                self._cond.wait_for(functools.partial(self._call.has_update, index))
                if index >= len(self._call.updates):
                    return
                update = self._call.updates[index]
            index += 1
            yield update

    def __iter__(self) -> Iterator[Any]:
        """Each partial result of a generator as it comes (the result alone for a plain function)."""
        streamed = False
        for update in self.updates():
            if Call.iterated(update, streamed):
                streamed = streamed or update.kind == "output"
                yield update.output
        error = self._call.iteration_error()
        if error is not None:
            raise error

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the call to end and return its result, or raise why it failed."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._call.finished, timeout):
                raise self._call.timed_out(timeout)
            return self._call.outcome()

    def status(self) -> JobStatus:
        with self._cond:
            return self._call.status

    def done(self) -> bool:
        with self._cond:
            return self._call.finished

    def outputs(self) -> list[Any]:
        """The partial results streamed so far."""
        with self._cond:
            return list(self._call.outputs)

    def cancel(self, timeout: float = 10.0) -> bool:
        """Ask the app to stop this call; False if it had already ended."""
        with self._cond:
            self._cond.wait_for(lambda: self._call.event_id is not None or self._call.finished, timeout)
            request = self._call.cancel_request()
        return self._client._run(self._client._protocol.cancel(request))

    def __repr__(self) -> str:
        return f"<mountui.Job {self.endpoint.name} {self.status().code}>"
