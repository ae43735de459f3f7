"""The queue: concurrency limits per endpoint, positions, a bounded queue, cancellation on disconnect."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from support.sse import parse_sse

import mountui


def blocking_demo(release: threading.Event, started: list[str], **listener: object) -> mountui.Blocks:
    def slow(x: str) -> str:
        started.append(x)
        release.wait(15)
        return f"slow {x}"

    def fast(x: str) -> str:
        return f"fast {x}"

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(slow, box, box, **listener)
        mountui.Button().click(fast, box, box)
    return demo


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def test_a_fast_endpoint_answers_while_a_slow_one_is_busy(live, http):
    release, started = threading.Event(), []
    base = live(blocking_demo(release, started))
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(http.post, f"{base}/api/slow", json={"data": ["a"]})
        wait_until(lambda: started)
        assert http.post(f"{base}/api/fast", json={"data": ["b"]}).json() == {"data": ["fast b"]}
        assert not slow.done()
        release.set()
        assert slow.result().json() == {"data": ["slow a"]}


def test_default_limit_of_one_queues_calls_with_positions(live_app, http):
    release, started = threading.Event(), []
    base, app = live_app(blocking_demo(release, started))

    def streamed(x: str) -> list[dict]:
        with (
            httpx.Client(timeout=20) as client,
            client.stream(
                "POST", f"{base}/api/slow", json={"data": [x]}, headers={"Accept": "text/event-stream"}
            ) as response,
        ):
            return list(parse_sse(response.iter_lines()))

    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(streamed, "1")
        wait_until(lambda: started == ["1"])
        second = pool.submit(streamed, "2")
        wait_until(lambda: app.pipeline.queue.waiting == 1)
        third = pool.submit(streamed, "3")
        wait_until(lambda: app.pipeline.queue.waiting == 2)
        assert started == ["1"]  # only one runs at a time
        release.set()
        results = [f.result() for f in (first, second, third)]
    assert results[0][0]["event"] == "started"
    assert results[1][0]["event"] == "queued" and results[1][0]["data"]["position"] == 0
    assert results[2][0]["event"] == "queued" and results[2][0]["data"]["position"] == 1
    assert all(r[0]["data"]["event_id"] for r in results)
    assert [r[-1]["data"]["data"] for r in results] == [["slow 1"], ["slow 2"], ["slow 3"]]
    assert started == ["1", "2", "3"]


def test_concurrency_limit_lets_that_many_run_together(live_app, http):
    release, started = threading.Event(), []
    base, app = live_app(blocking_demo(release, started, concurrency_limit=3))
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(http.post, f"{base}/api/slow", json={"data": [str(i)]}) for i in range(4)]
        wait_until(lambda: len(started) == 3 and app.pipeline.queue.waiting == 1)  # the fourth waits
        assert len(started) == 3
        release.set()
        assert sorted(f.result().json()["data"][0] for f in futures) == [f"slow {i}" for i in range(4)]


def test_a_full_queue_answers_503_and_keeps_serving(live_app, http):
    release, started = threading.Event(), []
    base, app = live_app(blocking_demo(release, started), max_queue_size=1)
    with ThreadPoolExecutor(3) as pool:
        running = pool.submit(http.post, f"{base}/api/slow", json={"data": ["a"]})
        wait_until(lambda: started)
        waiting = pool.submit(http.post, f"{base}/api/slow", json={"data": ["b"]})
        wait_until(lambda: app.pipeline.queue.waiting == 1)
        refused = http.post(f"{base}/api/slow", json={"data": ["c"]})
        assert refused.status_code == 503
        assert refused.json()["error"]["code"] == "queue_full"
        release.set()
        assert running.result().status_code == 200 and waiting.result().status_code == 200
    assert http.post(f"{base}/api/slow", json={"data": ["d"]}).status_code == 200


def test_disconnecting_while_queued_frees_the_place_and_never_runs_the_call(live_app, http):
    release, started = threading.Event(), []
    # The default resume grace (10 s) applies, but only to calls that already run.
    base, app = live_app(blocking_demo(release, started))
    with ThreadPoolExecutor(2) as pool:
        running = pool.submit(http.post, f"{base}/api/slow", json={"data": ["a"]})
        wait_until(lambda: started)
        with (
            httpx.Client(timeout=5) as client,
            client.stream(
                "POST", f"{base}/api/slow", json={"data": ["gone"]}, headers={"Accept": "text/event-stream"}
            ) as response,
        ):
            first = next(parse_sse(response.iter_lines()))
            assert first["event"] == "queued"
        # The client went away while its call waited: its place is given up at once.
        wait_until(lambda: app.pipeline.queue.waiting == 0, timeout=3)
        release.set()
        assert running.result().json() == {"data": ["slow a"]}
    assert http.post(f"{base}/api/slow", json={"data": ["next"]}).json() == {"data": ["slow next"]}


def ticker_demo() -> tuple[mountui.Blocks, list[int]]:
    """A generator that would tick 200 times (4 s); `produced` shows how far it got."""
    produced: list[int] = []

    def ticker(x: str):
        for i in range(200):
            produced.append(i)
            yield str(i)
            time.sleep(0.02)

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(ticker, box, box)
    return demo, produced


def test_disconnecting_stops_a_running_generator(live, http):
    demo, produced = ticker_demo()
    base = live(demo, resume_grace=0)
    with (
        httpx.Client(timeout=5) as client,
        client.stream(
            "POST", f"{base}/api/ticker", json={"data": ["."]}, headers={"Accept": "text/event-stream"}
        ) as response,
    ):
        events = parse_sse(response.iter_lines())
        while next(events)["event"] != "output":
            pass
    time.sleep(0.5)
    count = len(produced)
    time.sleep(0.3)
    assert len(produced) == count < 200  # stopped, not running to the end


def test_cancel_by_event_id(live, http):
    demo, produced = ticker_demo()
    base = live(demo)
    with http.stream(
        "POST", f"{base}/api/ticker", json={"data": ["."]}, headers={"Accept": "text/event-stream"}
    ) as response:
        events = parse_sse(response.iter_lines())
        event_id = next(events)["data"]["event_id"]
        assert http.delete(f"{base}/api/events/{event_id}").json() == {"cancelled": True}
        rest = list(events)
    assert rest[-1]["event"] == "error" and rest[-1]["data"]["code"] == "cancelled"
    assert len(produced) < 200
