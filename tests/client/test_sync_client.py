"""Client over a sync httpx transport (httpx.MockTransport playing the app): connecting at once, signing
in, and resuming a dropped event stream without losing or repeating outputs.
"""

from __future__ import annotations

import json

import httpx
import pytest

import mountui

BASE = "http://testserver/ui/"
API_INFO = {
    "title": "Fake",
    "auth": [],
    "endpoints": [
        {
            "name": "count",
            "stream": True,
            "parameters": [{"name": "n", "type": "float", "has_default": False}],
            "returns": [{"type": "list"}],
        }
    ],
}


def sse(*events: tuple[int, str, dict]) -> bytes:
    return "".join(
        f"id: e1:{n}\nevent: {kind}\ndata: {json.dumps(data)}\n\n" for n, kind, data in events
    ).encode()


class FakeApp:
    """Answers like a mountui app whose first event stream breaks after the first output."""

    def __init__(self) -> None:
        self.resumed_after: list[str] = []
        self.logins: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/ui/")
        if path == "login":
            self.logins.append(request.content)
            accepted = b"password=right" in request.content
            return httpx.Response(303, headers={"location": "./"}) if accepted else httpx.Response(200)
        if path == "api_info":
            if self.logins and b"password=right" not in self.logins[-1]:
                return httpx.Response(401, json={"error": {"code": "unauthorized", "message": "sign in"}})
            return httpx.Response(200, json=API_INFO)
        if path == "api/count":
            assert json.loads(request.content) == {"data": [2]}
            body = sse((0, "started", {"event_id": "e1"}), (1, "output", {"data": [[1]]}))
            return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})
        if path == "api/events/e1":
            self.resumed_after.append(request.headers["last-event-id"])
            body = sse((2, "output", {"data": [[1, 2]]}), (3, "complete", {"data": [[1, 2]]}))
            return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})
        return httpx.Response(404, json={"error": {"code": "not_found", "message": path}})


def test_a_dropped_stream_resumes_after_the_last_event_seen() -> None:
    app = FakeApp()
    with mountui.Client(BASE, transport=httpx.MockTransport(app)) as client:
        job = client.submit(2, api_name="count")
        assert list(job) == [[1], [1, 2]]
        assert job.result() == [1, 2]
    assert app.resumed_after == ["e1:1"]


def test_the_constructor_signs_in_and_a_wrong_password_fails_there() -> None:
    app = FakeApp()
    with mountui.Client(BASE, auth=("alice", "right"), transport=httpx.MockTransport(app)) as client:
        assert list(client.api.endpoints) == ["count"]
    with pytest.raises(mountui.AuthenticationError, match="not accepted"):
        mountui.Client(BASE, auth=("alice", "wrong"), transport=httpx.MockTransport(app))


def test_an_unreachable_app_is_a_client_error() -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(mountui.ClientError, match="lost the connection to the app: connection refused"):
        mountui.Client(BASE, transport=httpx.MockTransport(unreachable))


def test_an_httpx_client_passed_in_is_used_and_left_open() -> None:
    http = httpx.Client(transport=httpx.MockTransport(FakeApp()))
    with mountui.Client(BASE, httpx_client=http) as client:
        assert client.predict(2, api_name="count") == [1, 2]
    assert not http.is_closed
    http.close()
