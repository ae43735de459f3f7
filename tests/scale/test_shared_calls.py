"""Calls span the workers: a call started on one worker is followed, resumed and cancelled on others; files
go up on one and come down from another; limits and queue positions hold for the whole cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time

import httpx
from scale_cluster import Cluster, call, event_number, open_stream, sign_in, worker_pid

CLUSTER_SIZE = 3
SHARED_CLUSTER = True  # 3 workers, lease 4 s: these tests leave it as they found it


def test_started_on_a_resumed_on_b_cancelled_on_c(cluster: Cluster, clients) -> None:
    a, b, c = cluster.workers
    alice, bob = clients(), clients()
    sign_in(alice, a.ui)
    sign_in(bob, a.ui, "bob")
    with open_stream(alice, f"{a.ui}/api/slow", [60, 0.15]) as first:
        event_id = first.next()["data"]["event_id"]
        first.until("output")
        last = first.until("output")
    # The connection to A is gone (a phone switching networks); the page resumes wherever nginx sends it.
    resume_url = f"{b.ui}/api/events/{event_id}"
    assert bob.get(resume_url, headers={"Last-Event-ID": last["id"]}).status_code == 403
    with open_stream(alice, resume_url, method="GET", headers={"Last-Event-ID": last["id"]}) as resumed:
        assert resumed.worker == b.pid
        following = resumed.next()
        assert event_number(following) == event_number(last) + 1, (last, following)
        step_before = int(last["data"]["data"][0].split()[2].split("/")[0])
        output = resumed.until("output")
        assert int(output["data"]["data"][0].split()[2].split("/")[0]) > step_before
        # Progress comes through the other worker too.
        progress = [e["data"]["progress"] for e in resumed.seen if e["event"] == "progress"]
        assert progress and all(0 < p <= 1 for p in progress), resumed.seen
        # Nothing was lost or repeated between the two connections.
        numbers = [event_number(e) for e in first.seen + resumed.seen]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), numbers
        # Cancelled from a third worker: the stream on B ends at once with `cancelled`.
        assert bob.delete(f"{c.ui}/api/events/{event_id}").status_code == 403
        cancelled = alice.delete(f"{c.ui}/api/events/{event_id}")
        assert cancelled.status_code == 200, cancelled.text
        end = resumed.until("error", "complete")
    assert end["event"] == "error" and end["data"]["code"] == "cancelled", resumed.seen[-3:]


def test_a_stream_silent_for_longer_than_five_seconds_goes_on(cluster: Cluster, clients) -> None:
    # A function that thinks for 6 s between two outputs (no event meanwhile; heartbeats come every 15 s):
    # the stream stays open and the call completes, whether followed where it runs or from another worker.
    a, b, _ = cluster.workers
    alice = clients()
    sign_in(alice, a.ui)
    with open_stream(alice, f"{a.ui}/api/slow", [1, 6]) as stream:
        event_id = stream.next()["data"]["event_id"]
        output = stream.until("output")
        resume = {"Last-Event-ID": output["id"]}
        with open_stream(alice, f"{b.ui}/api/events/{event_id}", method="GET", headers=resume) as elsewhere:
            assert [e["event"] for e in elsewhere.rest()] == ["complete"]
        assert [e["event"] for e in stream.rest()] == ["complete"]


def test_upload_on_a_used_in_a_call_on_b_downloaded_from_c(cluster: Cluster, clients) -> None:
    a, b, c = cluster.workers
    alice, bob = clients(), clients()
    sign_in(alice, a.ui)
    sign_in(bob, a.ui, "bob")
    uploaded = alice.post(f"{a.ui}/upload", files={"files": ("note.txt", b"hello from the scale-out test")})
    assert uploaded.status_code == 200, uploaded.text
    ref = uploaded.json()["files"][0]
    answer = call(alice, b.ui, "shout", [{"id": ref["id"]}])
    assert answer.status_code == 200, answer.text
    produced, ran_on = answer.json()["data"]
    assert produced["name"] == "shouted.txt"
    download = alice.get(f"{c.ui}/file/{produced['id']}")
    assert download.status_code == 200, download.text
    assert download.content == b"HELLO FROM THE SCALE-OUT TEST"
    # The upload itself is there on C too, and only for its owner.
    assert alice.get(f"{c.ui}/file/{ref['id']}").content == b"hello from the scale-out test"
    assert bob.get(f"{c.ui}/file/{produced['id']}").status_code in (403, 404)
    assert int(ran_on) in {w.pid for w in cluster.workers}


def test_concurrency_limit_one_holds_across_all_workers(cluster: Cluster, clients) -> None:
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    # 30 users at once, spread over the workers: each call takes 0.1 s, one at a time, so all are done in
    # about 3 s; a user still waiting after 20 s would have given up.
    tags = [f"limit-{i}" for i in range(30)]
    answers: dict[str, object] = {}

    def submit(i: int, tag: str) -> None:
        worker = cluster.workers[i % CLUSTER_SIZE]
        started = time.monotonic()
        with httpx.Client(cookies=alice.cookies, timeout=20) as client:
            try:
                answers[tag] = call(client, worker.ui, "exclusive", [tag, False])
            except httpx.TimeoutException:
                answers[tag] = f"no answer after {time.monotonic() - started:.0f} s"

    threads = [threading.Thread(target=submit, args=(i, tag)) for i, tag in enumerate(tags)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(40)
    statuses = {tag: getattr(r, "status_code", r) for tag, r in answers.items()}
    unanswered = {tag: s for tag, s in statuses.items() if s != 200}
    assert not unanswered, f"{len(unanswered)} of {len(tags)} calls: {unanswered}"
    assert {worker_pid(r) for r in answers.values()} == {w.pid for w in cluster.workers}
    runs = [row for row in cluster.runs() if row[1] in tags]
    starts = {tag: at for kind, tag, _, at in runs if kind == "start"}
    ends = {tag: at for kind, tag, _, at in runs if kind == "end"}
    assert set(starts) == set(ends) == set(tags)
    ordered = sorted(tags, key=starts.__getitem__)
    for before, after in itertools.pairwise(ordered):
        assert starts[after] >= ends[before], f"{after} started before {before} ended: {runs}"


def test_queue_positions_count_calls_waiting_on_every_worker(cluster: Cluster, clients) -> None:
    release = cluster.shared_dir / "release"
    release.unlink(missing_ok=True)
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    with contextlib.ExitStack() as streams:
        try:
            blocker = streams.enter_context(
                open_stream(alice, f"{cluster.workers[0].ui}/api/exclusive", ["blocker", True])
            )
            blocker.until("started")
            waiting = []
            for i in range(2 * CLUSTER_SIZE):
                worker = cluster.workers[(i + 1) % CLUSTER_SIZE]
                stream = streams.enter_context(
                    open_stream(alice, f"{worker.ui}/api/exclusive", [f"queued-{i}", True])
                )
                first = stream.next()
                assert first["event"] == "queued", first
                waiting.append((first["data"]["position"], f"queued-{i}", stream))
            # One queue for the whole cluster: positions 0, 1, 2, ... in the order the calls came.
            assert [position for position, _, _ in waiting] == list(range(len(waiting)))
        finally:
            release.touch()
        assert blocker.until("complete", "error")["event"] == "complete"
        for _, tag, stream in waiting:
            end = stream.until("complete", "error")
            assert end["event"] == "complete" and end["data"]["data"][0].endswith(tag), end
    release.unlink()
    started = [tag for kind, tag, _, _ in sorted(cluster.runs(), key=lambda r: r[3]) if kind == "start"]
    queued_order = [tag for tag in started if tag.startswith("queued-")]
    assert queued_order == [tag for _, tag, _ in waiting], "calls did not run in the order of their positions"


def test_a_crowd_waiting_in_line_on_every_worker_all_get_their_turn(cluster: Cluster, clients) -> None:
    # 150 users (50 per worker) wait on streams behind one long call, then all run: nobody's stream is cut.
    release = cluster.shared_dir / "release"
    release.unlink(missing_ok=True)
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    crowd = 150

    async def one(client: httpx.AsyncClient, i: int, queued: list[int]) -> str:
        ui = cluster.workers[i % CLUSTER_SIZE].ui
        body = {"data": [f"crowd-{i}", True]}
        headers = {"Accept": "text/event-stream"}
        try:
            async with client.stream("POST", f"{ui}/api/exclusive", json=body, headers=headers) as response:
                if response.status_code != 200:
                    return f"status {response.status_code}"
                last = None
                async for line in response.aiter_lines():
                    if line.startswith("event: "):
                        last = line[7:]
                        if last == "queued":
                            queued.append(i)
                return last or "no event"
        except httpx.HTTPError as error:
            return f"{type(error).__name__} after queued={i in queued}"

    async def main() -> list[str]:
        queued: list[int] = []
        limits = httpx.Limits(max_connections=crowd + 10)
        async with httpx.AsyncClient(cookies=alice.cookies, timeout=30, limits=limits) as client:
            tasks = [asyncio.create_task(one(client, i, queued)) for i in range(crowd)]
            deadline = time.monotonic() + 20
            while len(queued) < crowd and time.monotonic() < deadline and not all(t.done() for t in tasks):
                await asyncio.sleep(0.1)
            await asyncio.sleep(1)  # waiting a little longer changes nothing for them
            release.touch()
            return list(await asyncio.gather(*tasks))

    with open_stream(alice, f"{cluster.workers[0].ui}/api/exclusive", ["crowd-blocker", True]) as blocker:
        blocker.until("started")
        try:
            ends = asyncio.run(main())
        finally:
            release.touch()
        try:
            blocker_end = blocker.until("complete", "error")["event"]
        except httpx.HTTPError as error:
            blocker_end = f"{type(error).__name__}: {error}"
    release.unlink()
    failed = {i: end for i, end in enumerate(ends) if end != "complete"}
    assert not failed, f"{len(failed)} of {crowd} streams did not complete: {dict(list(failed.items())[:8])}"
    assert blocker_end == "complete"
