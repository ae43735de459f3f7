"""User functions of every kind, called through the pipeline as a client would call them."""

from __future__ import annotations

import asyncio
import logging
import time

from support.sse import parse_sse, stream_call

import mountui


def kinds_demo() -> mountui.Blocks:
    def sync_fn(x: str) -> str:
        return x.upper()

    async def async_fn(x: str) -> str:
        await asyncio.sleep(0)
        return x[::-1]

    def gen_fn(x: str):
        for i in range(3):
            yield f"{x}{i}"

    async def agen_fn(x: str):
        for i in range(3):
            await asyncio.sleep(0)
            yield f"{x}-{i}"

    def two_outputs(x: str) -> tuple[str, int]:
        return x, len(x)

    with mountui.Blocks() as demo:
        box, out, num = mountui.Textbox(), mountui.Textbox(), mountui.Number()
        for fn in (sync_fn, async_fn, gen_fn, agen_fn):
            mountui.Button(fn.__name__).click(fn, box, out)
        mountui.Button("two").click(two_outputs, box, [out, num])
    return demo


def test_sync_async_and_generator_functions_answer_json(live, http):
    base = live(kinds_demo())
    call = lambda name: http.post(f"{base}/api/{name}", json={"data": ["ab"]}).json()  # noqa: E731
    assert call("sync_fn") == {"data": ["AB"]}
    assert call("async_fn") == {"data": ["ba"]}
    assert call("gen_fn") == {"data": ["ab2"]}  # a generator's JSON answer is its last yield
    assert call("agen_fn") == {"data": ["ab-2"]}
    assert call("two_outputs") == {"data": ["ab", 2]}


def test_generators_stream_every_partial_output_in_order_with_ids(live, http):
    base = live(kinds_demo())
    for name, expected in (("gen_fn", ["x0", "x1", "x2"]), ("agen_fn", ["x-0", "x-1", "x-2"])):
        events = stream_call(http, f"{base}/api/{name}", ["x"])
        assert [e["event"] for e in events] == ["started", "output", "output", "output", "complete"]
        event_id = events[0]["data"]["event_id"]
        assert [e["id"] for e in events] == [f"{event_id}:{n}" for n in range(5)]
        assert [e["data"]["data"][0] for e in events[1:4]] == expected
        assert events[-1]["data"] == {"data": [expected[-1]]}


def test_stream_delivers_the_first_output_before_the_function_finishes(live, http):
    import threading

    release = threading.Event()

    def slow(x: str):
        yield "first"
        release.wait(10)
        yield "second"

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(slow, box, box)
    base = live(demo)
    with http.stream(
        "POST", f"{base}/api/slow", json={"data": ["."]}, headers={"Accept": "text/event-stream"}
    ) as response:
        events = parse_sse(response.iter_lines())
        assert next(events)["event"] == "started"
        first = next(events)
        assert first["event"] == "output" and first["data"]["data"] == ["first"]
        release.set()
        rest = list(events)
    assert [e["event"] for e in rest] == ["output", "complete"]


def test_last_event_id_replays_what_came_after_and_follows_live(live, http):
    import threading

    release = threading.Event()

    def steps(x: str):
        for i in range(3):
            yield str(i)
        release.wait(10)
        yield "after release"

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(steps, box, box)
    base = live(demo, resume_grace=30)
    with http.stream(
        "POST", f"{base}/api/steps", json={"data": ["."]}, headers={"Accept": "text/event-stream"}
    ) as response:
        events = parse_sse(response.iter_lines())
        started = next(events)
        event_id = started["data"]["event_id"]
        assert next(events)["id"] == f"{event_id}:1"
    # The connection dropped after event 1; resume from there.
    with http.stream(
        "GET", f"{base}/api/events/{event_id}", headers={"Last-Event-ID": f"{event_id}:1"}
    ) as response:
        events = parse_sse(response.iter_lines())
        replayed = [next(events), next(events)]
        assert [e["id"] for e in replayed] == [f"{event_id}:2", f"{event_id}:3"]
        assert [e["data"]["data"] for e in replayed] == [["1"], ["2"]]
        release.set()
        rest = list(events)
    assert [e["data"] for e in rest] == [{"data": ["after release"]}, {"data": ["after release"]}]
    assert [e["event"] for e in rest] == ["output", "complete"]


def test_request_is_injected_and_is_none_on_direct_call(live, http):
    def who(name: str, request: mountui.Request) -> str:
        if request is None:
            return "direct"
        return f"{name}|{request.headers['x-test']}|{request.client.host}|{request.query_params.get('q')}"

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(who, box, box)
    assert who("n", None) == "direct"
    base = live(demo)
    dep = http.get(f"{base}/config").json()["dependencies"][0]
    assert dep["inputs"] == [box.id]  # the injected parameter is not an input
    answer = http.post(f"{base}/api/who?q=1", json={"data": ["n"]}, headers={"X-Test": "yes"})
    assert answer.json() == {"data": ["n|yes|127.0.0.1|1"]}


def test_progress_is_streamed_and_a_no_op_on_direct_call(live, http):
    def work(n: float, progress: mountui.Progress = mountui.Progress()) -> str:
        for _ in progress.tqdm(range(int(n)), desc="working"):
            time.sleep(0.06)
        return "done"

    assert work(2) == "done"
    with mountui.Blocks() as demo:
        num, out = mountui.Number(), mountui.Textbox()
        mountui.Button().click(work, num, out)
    base = live(demo)
    events = stream_call(http, f"{base}/api/work", [3])
    progress = [e["data"] for e in events if e["event"] == "progress"]
    assert len(progress) >= 2  # at most one update per 50 ms is written, and never the last one lost
    assert progress[0]["desc"] == "working" and progress[0]["total"] == 3
    assert progress[-1]["progress"] == 1
    assert events[-1] == {**events[-1], "event": "complete", "data": {"data": ["done"]}}
    assert [e["event"] for e in events].index("complete") == len(events) - 1


def test_mountui_error_shows_its_message_a_crash_shows_a_generic_one(live, http, caplog):
    def refuse(x: str) -> str:
        raise mountui.Error("Please type a longer name")

    def crash(x: str) -> str:
        raise RuntimeError("secret internal detail")

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(refuse, box, box)
        mountui.Button().click(crash, box, box)
    base = live(demo)
    refused = http.post(f"{base}/api/refuse", json={"data": ["a"]})
    assert refused.status_code == 500
    assert refused.json() == {"error": {"code": "app_error", "message": "Please type a longer name"}}
    with caplog.at_level(logging.ERROR, logger="mountui"):
        crashed = http.post(f"{base}/api/crash", json={"data": ["a"]})
    assert crashed.json()["error"]["code"] == "internal_error"
    assert "secret internal detail" not in crashed.text
    assert "secret internal detail" in caplog.text  # logged for the developer
    events = stream_call(http, f"{base}/api/refuse", ["a"])
    assert events[-1]["event"] == "error"
    assert events[-1]["data"] == {"code": "app_error", "message": "Please type a longer name"}
    # The server keeps serving.
    assert http.post(f"{base}/api/refuse", json={"data": ["b"]}).status_code == 500


def test_show_error_reveals_the_exception(live, http):
    def crash(x: str) -> str:
        raise ValueError("bad value here")

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(crash, box, box)
    base = live(demo, show_error=True)
    message = http.post(f"{base}/api/crash", json={"data": ["a"]}).json()["error"]["message"]
    assert message == "ValueError: bad value here"


def test_load_event_and_api_name_false(live, http):
    with mountui.Blocks() as demo:
        out = mountui.Textbox()
        demo.load(lambda: "welcome", None, out)
        hidden = mountui.Button().click(lambda: "secret", None, out, api_name=False)
    base = live(demo)
    deps = http.get(f"{base}/config").json()["dependencies"]
    load = next(d for d in deps if d["triggers"] == [{"id": None, "event": "load"}])
    assert http.post(f"{base}/api/{load['endpoint']}", json={"data": []}).json() == {"data": ["welcome"]}
    hidden_cfg = next(d for d in deps if d["endpoint"] == hidden.endpoint)
    assert hidden_cfg["show_api"] is False


def test_listener_with_wrong_number_of_inputs_fails_at_definition():
    import pytest

    with mountui.Blocks(), pytest.raises(mountui.ConfigError, match="takes 2 input"):
        a = mountui.Textbox()
        mountui.Button().click(lambda x, y: x, a, a)
