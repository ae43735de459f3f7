"""The client's side of the wire protocol as sans-IO code: the requests to send and what each answer means.

Each exchange is a *flow*, a generator that yields a `Request` and is sent back the `Answer`; `Client` and
`AsyncClient` only run flows over httpx (see `run_flow`), so they cannot drift apart. `calls.Call` does the
same for the event stream of a call.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from mountui.client.api_info import ApiInfo, Endpoint
from mountui.client.errors import (
    AuthenticationError,
    ClientError,
    RateLimitError,
    error_from_response,
    parse_retry_after,
)
from mountui.client.files import (
    download_target,
    file_inputs,
    file_refs,
    file_url,
    replace_sources,
    shape_result,
    sources_in,
)
from mountui.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    """One HTTP request for a transport to send. With `download_to`, a successful answer's body goes into
    that file instead of into `Answer.body`.
    """

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    data: dict[str, str] | None = None
    files: list[Any] | None = None
    follow_redirects: bool | None = None  # None: whatever the httpx client does
    download_to: Path | None = None

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments for httpx's `request()` and `stream()`, after the method and URL."""
        given = {"headers": self.headers or None, "json": self.json, "data": self.data, "files": self.files}
        if self.follow_redirects is not None:
            given["follow_redirects"] = self.follow_redirects
        return {name: value for name, value in given.items() if value is not None}


@dataclass(frozen=True)
class Answer:
    """The status, headers and (read) body of one HTTP answer."""

    status: int
    headers: Mapping[str, str]
    body: bytes = b""

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300

    @property
    def is_redirect(self) -> bool:
        return self.status in (301, 302, 303, 307, 308) and "location" in self.headers

    def check(self) -> Answer:
        """The answer itself if it succeeded; else raise the error it carries."""
        if not self.is_success:
            raise error_from_response(self.status, self.headers, self.body)
        return self

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            raise ClientError(
                f"the app answered HTTP {self.status} with something that is not JSON; is the URL the app's?",
                code="bad_answer",
                status=self.status,
            ) from None


Flow = Generator[Request, Answer, T]


def run_flow(flow: Flow[T], exchange: Any) -> T:
    """Run a flow with `exchange(request) -> Answer` (the sync transport's); `run_flow_async` is the same
    loop with `await`."""
    try:
        request = next(flow)
        while True:
            request = flow.send(exchange(request))
    except StopIteration as finished:
        return finished.value
    finally:
        flow.close()  # leaves its `with` blocks (open upload files) when the exchange failed


async def run_flow_async(flow: Flow[T], exchange: Any) -> T:
    """`run_flow` with `await exchange(request)`: for the async client and `mountui.testing`."""
    try:
        request = next(flow)
        while True:
            request = flow.send(await exchange(request))
    except StopIteration as finished:
        return finished.value
    finally:
        flow.close()


class ClientProtocol:
    """Everything a client knows and decides, apart from moving bytes: its URL, sign-in, the API
    description, uploads, downloads and cancels.
    """

    def __init__(self, url: str, auth: tuple[str, str] | None, download_dir: str | Path | None) -> None:
        self.url = normalize_url(url)
        self.auth = auth
        self.api: ApiInfo | None = None
        self._download_dir = Path(download_dir) if download_dir is not None else None
        self._downloads: dict[str, str] = {}
        self._lock = threading.Lock()  # a sync Job downloads from its own thread

    @property
    def download_dir(self) -> Path:
        with self._lock:
            if self._download_dir is None:
                import tempfile

                self._download_dir = Path(tempfile.mkdtemp(prefix="mountui-downloads-"))
            return self._download_dir

    def send(self, request: Request) -> Flow[Answer]:
        answer = yield request
        return answer.check()

    def connect(self) -> Flow[ApiInfo]:
        """Sign in (with `auth`) and read the API description, once."""
        if self.api is None:
            if self.auth is not None:
                yield from self.login(*self.auth)
            answer = yield from self.send(Request("GET", self.url + "api_info"))
            self.api = ApiInfo.from_json(answer.json())
        return self.api

    def login(self, username: str, password: str) -> Flow[None]:
        form = {"username": username, "password": password}
        # The login form answers a redirect on success and the form again on failure.
        answer = yield Request("POST", self.url + "login", data=form, follow_redirects=False)
        if answer.status == 404:
            raise AuthenticationError(
                "this app has no password sign-in (no login page)", code="no_login", status=404
            )
        if answer.status == 429:
            retry = parse_retry_after(answer.headers.get("retry-after"))
            raise RateLimitError("too many failed sign-ins", status=429, retry_after=retry)
        if answer.status >= 500:
            answer.check()
        if not answer.is_redirect:
            raise AuthenticationError(
                "the username or password was not accepted", code="unauthorized", status=answer.status
            )

    def prepare(
        self, args: tuple[Any, ...], api_name: str | None, kwargs: dict[str, Any]
    ) -> Flow[tuple[Endpoint, list[Any]]]:
        """The endpoint of a call and its wire values, local files uploaded first."""
        api = yield from self.connect()
        endpoint = api.endpoint(api_name)
        data = yield from self.upload(file_inputs(endpoint, endpoint.bind(args, kwargs)))
        return endpoint, data

    def upload(self, values: list[Any]) -> Flow[list[Any]]:
        sources = sources_in(values)
        if not sources:
            return values
        with contextlib.ExitStack() as stack:
            files = [
                ("files", (s.name, stack.enter_context(s.path.open("rb")) if s.path else s.content))
                for s in sources
            ]
            answer = yield from self.send(Request("POST", self.url + "upload", files=files))
        uploaded = answer.json().get("files")
        if not isinstance(uploaded, list) or len(uploaded) != len(sources):
            raise ClientError("the app's answer to an upload lists no files", code="bad_answer")
        return replace_sources(values, uploaded)

    def shape(self, endpoint: Endpoint, data: list[Any]) -> Flow[Any]:
        """A call's wire result as Python values: file results downloaded (once each) to local paths."""
        for ref in file_refs(endpoint, data):
            key = str(ref["id"])
            if key not in self._downloads:
                target = download_target(self.download_dir, ref)
                yield from self.send(Request("GET", file_url(self.url, ref), download_to=target))
                self._downloads[key] = str(target)
        return shape_result(endpoint, data, lambda ref: self._downloads[str(ref["id"])])

    def cancel(self, request: Request | None) -> Flow[bool]:
        if request is None:
            return False
        answer = yield from self.send(request)
        return bool(answer.json().get("cancelled"))


def normalize_url(url: str) -> str:
    """The app's base URL with one trailing slash: every path of the protocol is relative to it."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigError(f"the app's URL starts with http:// or https://, got {url!r}")
    return url.split("#", 1)[0].split("?", 1)[0].rstrip("/") + "/"


def check_http_options(
    client_name: str,
    *,
    httpx_client: Any,
    client_type: type,
    transport: Any,
    transport_type: type,
    headers: Any,
    cookies: Any,
) -> None:
    """Refuse options that cannot work together, naming the fix (the same rules for both clients)."""
    twin = {"Client": "AsyncClient", "AsyncClient": "Client"}[client_name]
    if httpx_client is not None:
        if not isinstance(httpx_client, client_type):
            raise ConfigError(
                f"{client_name}(httpx_client=...) takes an {client_type.__module__}.{client_type.__name__}, "
                f"got {type(httpx_client).__name__}; for the other kind use mountui.{twin}"
            )
        given = [
            name
            for name, value in (("transport", transport), ("headers", headers), ("cookies", cookies))
            if value
        ]
        if given:
            raise ConfigError(
                f"{client_name}: set {', '.join(given)} on the httpx client you pass as httpx_client, "
                "or leave httpx_client out"
            )
    if transport is not None and not isinstance(transport, transport_type):
        raise ConfigError(
            f"{client_name}(transport=...) takes an httpx.{transport_type.__name__}, "
            f"got {type(transport).__name__}; for the other kind use mountui.{twin}"
        )
