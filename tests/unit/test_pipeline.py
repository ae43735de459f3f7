"""The pipeline, in process: validation, the queue and its limits, cancellation, streamed outputs, errors of
user functions, and State. Calls start through `Pipeline.start`, as every route does; their events are read
from the store's log, as a stream reader would. Functions are held on asyncio events, never on sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from inprocess import caller, events_of, names, serving
from support.clock import FakeClock

import mountui
from mountui.errors import CallError
from mountui.server.app import UIApp, build_app
from mountui.server.call_log import decoded

pytestmark = pytest.mark.anyio


class Held:
    """An async function that stays inside its call until the test releases it."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.started: list[str] = []
        self.cancelled: list[str] = []
        self.entered = asyncio.Event()

    async def work(self, text: str) -> str:
        self.started.append(text)
        self.entered.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled.append(text)
            raise
        return text.upper()

    async def running(self, *texts: str) -> None:
        """Return once exactly these calls have entered the function (and let others that would, too)."""
        await asyncio.wait_for(self.entered.wait(), 5)
        for _ in range(20):  # give any call that could still start the chance to
            await asyncio.sleep(0)
        assert self.started == list(texts)


def held_demo(held: Held, **listener: Any) -> mountui.Blocks:
    with mountui.Blocks() as demo:
        box, out = mountui.Textbox(label="Text"), mountui.Textbox()
        mountui.Button().click(held.work, box, out, **listener)
    return demo


def one_listener(fn: Callable[..., Any], inputs: list[Any], outputs: list[Any]) -> mountui.Blocks:
    with mountui.Blocks() as demo:
        mountui.Button().click(fn, inputs, outputs, api_name="fn")
    return demo


async def first_event(app: UIApp, job: Any) -> tuple[str, dict[str, Any]]:
    items, _closed, _first = await app.store.log_read(job.event_id, -1, timeout=0)
    return decoded(items[0])


# --- validation ---


async def test_wrong_values_are_refused_with_what_was_expected_and_the_function_never_runs() -> None:
    held = Held()
    app = build_app(held_demo(held))
    dep = app.pipeline.endpoint("work")
    with pytest.raises(CallError, match=r"work takes 1 value\(s\) \(Text\), got 0") as few:
        app.pipeline.validate(dep, {"data": []})
    assert (few.value.status, few.value.code) == (400, "validation_error")
    with pytest.raises(CallError, match=r"^Text: Input should be a valid string"):
        app.pipeline.validate(dep, {"data": [3]})  # strict: 3 is not the text "3"
    with pytest.raises(CallError, match=r"the body must be a JSON object"):
        app.pipeline.validate(dep, ["hi"])
    assert app.pipeline.validate(dep, {"data": ["hi"]}) == ["hi"]

    async with serving(app) as client:
        refused = await client.post("/api/work", json={"data": [3]})
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "validation_error"
        unknown = await client.post("/api/nope", json={"data": []})
        assert unknown.status_code == 404
        assert unknown.json()["error"] == {
            "code": "unknown_endpoint",
            "message": "no endpoint named 'nope'; see the API page (docs)",
        }
    assert held.started == []


# --- the queue and concurrency limits ---


async def test_calls_past_the_limit_wait_in_line_and_learn_their_position() -> None:
    held = Held()
    app = build_app(held_demo(held))  # the default limit: one call at a time
    async with app.lifespan():
        dep = app.pipeline.endpoint("work")
        jobs = [await app.pipeline.start(dep, [text], caller()) for text in "abc"]
        assert [await first_event(app, job) for job in jobs] == [
            ("started", {"event_id": jobs[0].event_id}),
            ("queued", {"event_id": jobs[1].event_id, "position": 0}),
            ("queued", {"event_id": jobs[2].event_id, "position": 1}),
        ]
        await held.running("a")
        held.release.set()
        results = [await events_of(app, job) for job in jobs]
    assert held.started == ["a", "b", "c"]  # in the order they came
    assert [events[-1] for events in results] == [("complete", {"data": [t]}) for t in "ABC"]
    assert names(results[1]) == ["queued", "started", "complete"]


async def test_a_limit_of_two_runs_two_at_once() -> None:
    held = Held()
    app = build_app(held_demo(held, concurrency_limit=2))
    async with app.lifespan():
        dep = app.pipeline.endpoint("work")
        jobs = [await app.pipeline.start(dep, [text], caller()) for text in "abc"]
        await held.running("a", "b")
        assert (await first_event(app, jobs[2]))[0] == "queued"
        held.release.set()
        assert [(await events_of(app, job))[-1][0] for job in jobs] == ["complete"] * 3


async def test_no_limit_at_all_with_default_concurrency_limit_none() -> None:
    held = Held()
    app = build_app(held_demo(held), default_concurrency_limit=None)
    async with app.lifespan():
        dep = app.pipeline.endpoint("work")
        jobs = [await app.pipeline.start(dep, [text], caller()) for text in "abcd"]
        await held.running("a", "b", "c", "d")
        held.release.set()
        assert [(await events_of(app, job))[-1][0] for job in jobs] == ["complete"] * 4


async def test_listeners_with_one_concurrency_id_share_one_limit() -> None:
    held = Held()
    with mountui.Blocks() as demo:
        box, out = mountui.Textbox(), mountui.Textbox()
        mountui.Button().click(held.work, box, out, api_name="small", concurrency_id="gpu")
        mountui.Button().click(held.work, box, out, api_name="large", concurrency_id="gpu")
    app = build_app(demo)
    async with app.lifespan():
        small = await app.pipeline.start(app.pipeline.endpoint("small"), ["s"], caller())
        large = await app.pipeline.start(app.pipeline.endpoint("large"), ["l"], caller())
        await held.running("s")
        assert await first_event(app, large) == ("queued", {"event_id": large.event_id, "position": 0})
        held.release.set()
        assert (await events_of(app, small))[-1] == ("complete", {"data": ["S"]})
        assert (await events_of(app, large))[-1] == ("complete", {"data": ["L"]})


async def test_a_full_queue_refuses_the_next_call_with_503() -> None:
    held = Held()
    app = build_app(held_demo(held), max_queue_size=1)
    async with app.lifespan():
        dep = app.pipeline.endpoint("work")
        running = await app.pipeline.start(dep, ["a"], caller())
        waiting = await app.pipeline.start(dep, ["b"], caller())
        with pytest.raises(CallError, match=r"the queue is full \(1 calls waiting\)") as full:
            await app.pipeline.start(dep, ["c"], caller())
        assert (full.value.status, full.value.code) == (503, "queue_full")
        held.release.set()
        for job in (running, waiting):
            assert (await events_of(app, job))[-1][0] == "complete"
        # Once the line is empty again, calls are taken.
        again = await app.pipeline.start(dep, ["d"], caller())
        assert (await events_of(app, again))[-1] == ("complete", {"data": ["D"]})
    assert held.started == ["a", "b", "d"]


# --- cancellation ---

CANCELLED = ("error", {"code": "cancelled", "message": "the call was cancelled"})


async def test_cancelling_a_running_call_stops_it_and_frees_its_slot() -> None:
    held = Held()
    app = build_app(held_demo(held))
    async with app.lifespan():
        dep = app.pipeline.endpoint("work")
        first = await app.pipeline.start(dep, ["a"], caller())
        second = await app.pipeline.start(dep, ["b"], caller())
        await held.running("a")
        app.pipeline.cancel(first)
        assert (await events_of(app, first))[-1] == CANCELLED
        held.release.set()
        assert (await events_of(app, second))[-1] == ("complete", {"data": ["B"]})
    assert held.cancelled == ["a"]


async def test_a_waiting_call_whose_reader_leaves_gives_up_its_place_at_once() -> None:
    held = Held()
    app = build_app(held_demo(held), resume_grace=60)
    async with app.lifespan():
        dep = app.pipeline.endpoint("work")
        jobs = {t: await app.pipeline.start(dep, [t], caller()) for t in "abc"}
        await held.running("a")
        app.pipeline.attach(jobs["b"])
        app.pipeline.detach(jobs["b"])  # the browser closed the tab while b was waiting
        assert (await events_of(app, jobs["b"]))[-1] == CANCELLED
        late = await app.pipeline.start(dep, ["d"], caller())
        assert await first_event(app, late) == ("queued", {"event_id": late.event_id, "position": 1})
        # A running call whose reader leaves is kept for `resume_grace`, so that the reader can come back.
        app.pipeline.attach(jobs["a"])
        app.pipeline.detach(jobs["a"])
        app.pipeline.attach(jobs["a"])
        held.release.set()
        assert (await events_of(app, jobs["a"]))[-1] == ("complete", {"data": ["A"]})
        assert (await events_of(app, late))[-1] == ("complete", {"data": ["D"]})
    assert held.started == ["a", "c", "d"]


async def test_a_running_call_whose_reader_leaves_ends_at_once_without_resume_grace() -> None:
    held = Held()
    app = build_app(held_demo(held), resume_grace=0)
    async with app.lifespan():
        job = await app.pipeline.start(app.pipeline.endpoint("work"), ["a"], caller())
        await held.running("a")
        app.pipeline.attach(job)
        app.pipeline.detach(job)
        assert (await events_of(app, job))[-1] == CANCELLED
    assert held.cancelled == ["a"]


async def test_signing_out_ends_the_calls_of_that_sign_in_only() -> None:
    held = Held()
    app = build_app(held_demo(held), default_concurrency_limit=None)
    async with app.lifespan():
        dep = app.pipeline.endpoint("work")
        laptop = await app.pipeline.start(dep, ["laptop"], caller("ann", login_session_id="s1"))
        phone = await app.pipeline.start(dep, ["phone"], caller("ann", login_session_id="s2"))
        await held.running("laptop", "phone")
        app.pipeline.end_login_sessions({"s1"})
        assert (await events_of(app, laptop))[-1] == CANCELLED
        held.release.set()
        assert (await events_of(app, phone))[-1] == ("complete", {"data": ["PHONE"]})


# --- what functions give back ---


async def test_a_generator_streams_each_output_then_completes_with_the_last() -> None:
    def count(n: float):  # a sync generator: each step runs in a worker thread
        for i in range(int(n)):
            yield f"step {i}"

    def nothing(n: float):
        yield from ()

    with mountui.Blocks() as demo:
        n, out = mountui.Number(), mountui.Textbox()
        mountui.Button().click(count, n, out)
        mountui.Button().click(nothing, n, out)
    app = build_app(demo)
    async with app.lifespan():
        job = await app.pipeline.start(app.pipeline.endpoint("count"), [3], caller())
        events = await events_of(app, job)
        empty = await events_of(
            app, await app.pipeline.start(app.pipeline.endpoint("nothing"), [3], caller())
        )
    assert names(events) == ["started", "output", "output", "output", "complete"]
    assert [data for _, data in events[1:]] == [
        {"data": ["step 0"]},
        {"data": ["step 1"]},
        {"data": ["step 2"]},
        {"data": ["step 2"]},
    ]
    assert empty[-1] == ("complete", {"data": [None]})


async def test_a_call_answered_in_one_piece_keeps_no_event_log() -> None:
    app = build_app(one_listener(lambda text: text[::-1], [mountui.Textbox()], [mountui.Textbox()]))
    async with app.lifespan():
        job = await app.pipeline.start(app.pipeline.endpoint("fn"), ["abc"], caller(), stream=False)
        assert await asyncio.wait_for(job.done, 5) == ("complete", {"data": ["cba"]})
        assert await app.store.log_read(job.event_id, -1, timeout=0) == ([], True, 0)


def boom(text: str) -> str:
    raise ValueError(f"cannot handle {text!r}")


def quota(text: str) -> str:
    raise mountui.Error("Your quota is used up for today.")


def one_for_two(text: str) -> str:
    return text


@pytest.mark.parametrize(
    ("fn", "outputs", "show_error", "code", "message"),
    [
        (boom, 1, False, "internal_error", "the app hit an error while running this call (details are in the server log)"),
        (boom, 1, True, "internal_error", "ValueError: cannot handle 'x'"),
        (quota, 1, False, "app_error", "Your quota is used up for today."),
        (one_for_two, 2, True, "internal_error", "OutputError: fn returned 1 value(s) for 2 outputs"),
    ],
)  # fmt: skip
async def test_an_error_in_the_function_becomes_the_calls_last_event(
    fn: Callable[..., Any], outputs: int, show_error: bool, code: str, message: str
) -> None:
    demo = one_listener(fn, [mountui.Textbox()], [mountui.Textbox() for _ in range(outputs)])
    app = build_app(demo, show_error=show_error)
    async with app.lifespan():
        job = await app.pipeline.start(app.pipeline.endpoint("fn"), ["x"], caller())
        assert (await events_of(app, job))[-1] == ("error", {"code": code, "message": message})
        # The failed call released its slot: the next one runs.
        again = await app.pipeline.start(app.pipeline.endpoint("fn"), ["y"], caller())
        assert names(await events_of(app, again))[-1] == "error"


# --- State, per browser tab ---


def counter_demo() -> mountui.Blocks:
    def add(item: str, items: list[str]) -> tuple[list[str], int]:
        items = [*items, item]
        return items, len(items)

    with mountui.Blocks() as demo:
        items = mountui.State([])
        box, count = mountui.Textbox(), mountui.Number()
        mountui.Button().click(add, [box, items], [items, count], api_name="add")
        blob = mountui.State("")
        mountui.Button().click(lambda n: "x" * int(n), count, blob, api_name="grow")
    return demo


async def call(app: UIApp, endpoint: str, value: Any, who: Any) -> tuple[str, dict[str, Any]]:
    job = await app.pipeline.start(app.pipeline.endpoint(endpoint), [value], who)
    return (await events_of(app, job))[-1]


async def test_state_is_kept_per_tab_and_starts_afresh_without_one() -> None:
    app = build_app(counter_demo())
    async with app.lifespan():
        assert await call(app, "add", "a", caller(tab_id="t1")) == ("complete", {"data": [1]})
        assert await call(app, "add", "b", caller(tab_id="t1")) == ("complete", {"data": [2]})
        assert await call(app, "add", "c", caller(tab_id="t2")) == ("complete", {"data": [1]})
        for _ in range(2):  # a stateless API call
            assert await call(app, "add", "d", caller()) == ("complete", {"data": [1]})


async def test_state_of_another_users_tab_is_refused() -> None:
    app = build_app(counter_demo())
    async with app.lifespan():
        assert await call(app, "add", "a", caller("alice", tab_id="t1")) == ("complete", {"data": [1]})
        stolen = await call(app, "add", "b", caller("bob", tab_id="t1"))
        assert stolen == ("error", {"code": "forbidden", "message": "this session belongs to another user"})
        assert await call(app, "add", "c", caller("alice", tab_id="t1")) == ("complete", {"data": [2]})


async def test_state_over_its_size_limit_is_refused() -> None:
    app = build_app(counter_demo(), state_max_size=1000)
    async with app.lifespan():
        assert (await call(app, "grow", 10, caller(tab_id="t")))[0] == "complete"
        name, data = await call(app, "grow", 5000, caller(tab_id="t"))
        assert (name, data["code"]) == ("error", "state_too_large")
        assert "over state_max_size (1000)" in data["message"]


async def test_state_expires_state_ttl_after_its_last_write(clock: FakeClock) -> None:
    app = build_app(counter_demo(), state_ttl=60, clock=clock)
    async with app.lifespan():
        tab = caller(tab_id="t")
        assert await call(app, "add", "a", tab) == ("complete", {"data": [1]})
        clock.advance(59)
        assert await call(app, "add", "b", tab) == ("complete", {"data": [2]})
        clock.advance(59)
        assert await call(app, "add", "c", tab) == ("complete", {"data": [3]})
        clock.advance(60)
        assert await call(app, "add", "d", tab) == ("complete", {"data": [1]})


async def test_tab_ids_are_issued_by_the_server_and_others_refused() -> None:
    async with serving(build_app(counter_demo())) as client:
        tab = {"X-MountUI-Session": (await client.get("/config")).json()["session_id"]}
        for expected in (1, 2):
            answer = await client.post("/api/add", json={"data": ["x"]}, headers=tab)
            assert answer.json() == {"data": [expected]}
        forged = await client.post("/api/add", json={"data": ["x"]}, headers={"X-MountUI-Session": "made.up"})
        assert forged.status_code == 400
        assert forged.json()["error"]["code"] == "invalid_session"
