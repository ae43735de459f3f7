"""Two apps on one Redis, each under its own uvicorn, as two workers: any of them answers for any call.

(tests/scale/ runs the same promises with real worker processes behind nginx, and kills them.)
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.sse import parse_sse

sys.path.insert(0, str(Path(__file__).parents[1] / "auth"))
from auth_helpers import greeting_demo, sign_in

import mountui
from mountui.errors import ConfigError
from mountui.server.app import build_app
from mountui.store.redis import RedisStore

SECRET = "a-secret-key-shared-by-both-workers-0123456789"
RELEASE = threading.Event()


def slow(n: float):
    for i in range(int(n)):
        yield f"step {i}"
        time.sleep(0.05)
    RELEASE.wait(10)
    yield "done"


def echo_file(upload: str) -> str:
    assert Path(upload).read_bytes() == b"hello cluster"  # the bytes another worker received
    return upload


def cluster_demo() -> mountui.Blocks:
    with mountui.Blocks() as demo:
        n, out = mountui.Number(), mountui.Textbox()
        mountui.Button().click(slow, n, out, api_name="slow")
        f_in, f_out = mountui.File(), mountui.File()
        mountui.Button().click(echo_file, f_in, f_out, api_name="echo_file")
    return demo


@pytest.fixture
def workers(
    redis_server: str, serve: Callable[..., str], tmp_path: Path
) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    RELEASE.clear()
    demo = cluster_demo()
    urls = [
        serve(build_app(demo, store=redis_server, secret_key=SECRET, file_dir=tmp_path, worker_lease=2))
        for _ in range(2)
    ]
    clients = [httpx.Client(base_url=url, timeout=10) for url in urls]
    yield clients[0], clients[1]
    RELEASE.set()
    for client in clients:
        client.close()


def take(events: Iterator[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    return [next(events) for _ in range(n)]


def test_a_call_started_on_one_worker_is_resumed_and_cancelled_on_the_other(workers) -> None:
    a, b = workers
    with a.stream(
        "POST", "/api/slow", json={"data": [2]}, headers={"Accept": "text/event-stream"}
    ) as started:
        assert started.status_code == 200
        first = take(parse_sse(started.iter_lines()), 2)
    assert [e["event"] for e in first] == ["started", "output"]
    event_id = first[0]["data"]["event_id"]
    # Resumed on the other worker, after the last event seen on the first.
    headers = {"Accept": "text/event-stream", "Last-Event-ID": first[-1]["id"]}
    with b.stream("GET", f"/api/events/{event_id}", headers=headers) as resumed:
        assert resumed.status_code == 200
        events = parse_sse(resumed.iter_lines())
        assert next(events)["data"] == {"data": ["step 1"]}
        # Cancelled through the other worker: the stream ends with the cancellation.
        assert b.delete(f"/api/events/{event_id}").json() == {"cancelled": True}
        rest = list(events)
    assert rest[-1]["event"] == "error" and rest[-1]["data"]["code"] == "cancelled"
    assert a.get(f"/api/events/{event_id}").status_code == 200  # still readable while retained


def test_an_unknown_call_is_404_on_every_worker(workers) -> None:
    for client in workers:
        response = client.get("/api/events/nothing-like-this")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_a_file_uploaded_on_one_worker_is_used_and_served_by_the_other(workers) -> None:
    a, b = workers
    uploaded = a.post("/upload", files={"files": ("notes.txt", b"hello cluster", "text/plain")})
    assert uploaded.status_code == 200, uploaded.text
    ref = uploaded.json()["files"][0]
    echoed = b.post("/api/echo_file", json={"data": [ref]})
    assert echoed.status_code == 200, echoed.text
    out = echoed.json()["data"][0]
    assert b.get(f"/file/{ref['id']}").content == b"hello cluster"
    assert a.get(f"/file/{out['id']}").content == b"hello cluster"


def test_a_redis_store_needs_a_secret_key(redis_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOUNTUI_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="secret_key"):
        build_app(cluster_demo(), store=redis_server)


def test_the_store_is_named_by_url_or_by_mountui_store(
    redis_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build_app(cluster_demo(), store=redis_server, secret_key=SECRET)
    assert isinstance(app.store, RedisStore)
    monkeypatch.setenv("MOUNTUI_STORE", redis_server)
    assert isinstance(build_app(cluster_demo(), secret_key=SECRET).store, RedisStore)
    monkeypatch.setenv("MOUNTUI_STORE", "postgres://db/1")
    with pytest.raises(ConfigError, match="'postgres://db/1' is not a store"):
        build_app(cluster_demo(), secret_key=SECRET)
    with pytest.raises(ConfigError, match="store takes"):
        build_app(cluster_demo(), store=42, secret_key=SECRET)


def test_an_unreachable_redis_is_503_and_never_signs_anyone_out(
    serve: Callable[..., str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A Redis of its own for this app, stopped halfway through.
    from support.programs import require_program
    from support.redis import RedisProcess

    redis = RedisProcess(
        workdir=tmp_path_factory.mktemp("outage"),
        executable=require_program("redis-server", "/usr/bin/redis-server", apt_package="redis-server"),
    )
    url = redis.start()
    try:
        app = serve(
            build_app(greeting_demo(), store=url, secret_key=SECRET, auth=[("alice", "wonderland-42")])
        )
        with httpx.Client(base_url=app, timeout=10) as client:
            assert sign_in(client, app, "alice", "wonderland-42").status_code == 303
            assert client.post("/api/greet", json={"data": ["Bob"]}).status_code == 200
            redis.stop()
            for method, path, body in [("POST", "/api/greet", {"data": ["Bob"]}), ("GET", "/config", None)]:
                refused = client.request(method, path, json=body)
                assert refused.status_code == 503, refused.text  # not 401: she is still signed in
                assert refused.json()["error"]["code"] == "store_unavailable"
                assert refused.headers["retry-after"] == "2"
            page = client.get("/", follow_redirects=False)
            assert page.status_code == 503  # not a redirect to the sign-in form
            assert client.get("/healthz").status_code == 200  # the process itself is fine
    finally:
        redis.stop()


def test_signing_out_everywhere_on_one_worker_ends_streams_on_the_other(
    redis_server: str, serve: Callable[..., str]
) -> None:
    RELEASE.clear()
    with mountui.Blocks() as demo:
        n, out = mountui.Number(), mountui.Textbox()
        mountui.Button().click(slow, n, out, api_name="slow", concurrency_limit=None)
    users = [("alice", "wonderland-42")]
    a, b = (serve(build_app(demo, store=redis_server, secret_key=SECRET, auth=users)) for _ in range(2))
    try:
        with httpx.Client(timeout=10) as on_a, httpx.Client(timeout=10) as on_b:
            assert sign_in(on_a, a, *users[0]).status_code == 303
            assert sign_in(on_b, b, *users[0]).status_code == 303  # her second device, on the other worker
            headers = {"Accept": "text/event-stream"}
            with on_a.stream("POST", f"{a}/api/slow", json={"data": [1]}, headers=headers) as stream:
                events = parse_sse(stream.iter_lines())
                assert [next(events)["event"], next(events)["event"]] == ["started", "output"]
                assert (
                    on_b.get(
                        f"{b}/logout", headers={"Origin": b, "Sec-Fetch-Site": "same-origin"}
                    ).status_code
                    == 303
                )
                ended = list(events)
            assert ended[-1]["event"] == "error" and ended[-1]["data"]["code"] == "cancelled"
            assert on_a.post(f"{a}/api/slow", json={"data": [0]}).status_code == 401  # signed out there too
    finally:
        RELEASE.set()
