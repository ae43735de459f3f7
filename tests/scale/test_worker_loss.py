"""A worker killed with SIGKILL mid-call (no clean-up runs in it): whoever follows the call on another worker
hears about it within about `worker_lease`; a call whose listener says `retry_on_worker_loss=True` is run once
more on another worker and completes.
"""

from __future__ import annotations

import os
import signal
import time

import httpx
from scale_cluster import Cluster, call, open_stream, sign_in

CLUSTER_SIZE = 3
LEASE = 1.5
STORE_FROM_ENV = True  # this cluster finds Redis in MOUNTUI_STORE


def runner_of(event: dict) -> int:
    """The pid the function put in its output: the process that runs the call."""
    return int(event["data"]["data"][0].split()[0])


def follow_elsewhere_and_kill(cluster: Cluster, client: httpx.Client, endpoint: str, steps: int):
    """Start a call, find the process running it, follow it from another worker, then kill -9 the runner.

    Yields (events after the kill as read on the other worker, seconds from the kill to the end of that
    stream, the killed pid); the killed worker is started again afterwards.
    """
    entry = cluster.workers[0]
    with open_stream(client, f"{entry.ui}/api/{endpoint}", [steps]) as submitted:
        event_id = submitted.next()["data"]["event_id"]
        first = submitted.until("output")
    runner = runner_of(first)
    reader_on = cluster.others(runner)[0]
    killed = None
    try:
        url = f"{reader_on.ui}/api/events/{event_id}"
        with open_stream(client, url, method="GET", headers={"Last-Event-ID": first["id"]}) as reader:
            assert reader.worker == reader_on.pid
            killed = cluster.kill(runner)
            killed_at = time.monotonic()
            after = reader.rest()
            took = time.monotonic() - killed_at
        return after, took, runner
    finally:
        if killed is not None:
            cluster.respawn(killed)


def warm_up(cluster: Cluster, client: httpx.Client) -> None:
    """Every worker serves a call first, as in a cluster with traffic."""
    for worker in cluster.workers:
        assert call(client, worker.ui, "echo", ["warm"]).status_code == 200


def assert_worker_lost(after: list[dict], took: float, runner: int) -> None:
    assert after, "the stream on the surviving worker ended with no event at all"
    last = after[-1]
    assert last["event"] == "error" and last["data"]["code"] == "worker_lost", after[-3:]
    assert took < 2 * LEASE + 3, f"worker_lost came {took:.1f} s after the kill (lease {LEASE} s)"
    # Nothing after the kill claims to come from another process: the call was not run again.
    assert {runner_of(e) for e in after if e["event"] == "output"} <= {runner}


def test_the_only_busy_worker_killed_is_noticed_by_workers_that_served_no_call(
    cluster: Cluster, clients
) -> None:
    # First in this module: the other workers have answered sign-ins and health checks, never a call.
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    after, took, runner = follow_elsewhere_and_kill(cluster, alice, "work_once", 400)
    assert_worker_lost(after, took, runner)


def test_killed_worker_ends_its_call_with_worker_lost_on_the_other_workers(cluster: Cluster, clients) -> None:
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    warm_up(cluster, alice)
    after, took, runner = follow_elsewhere_and_kill(cluster, alice, "work_once", 400)
    assert_worker_lost(after, took, runner)


def test_retry_on_worker_loss_completes_the_call_on_another_worker(cluster: Cluster, clients) -> None:
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    warm_up(cluster, alice)
    after, took, runner = follow_elsewhere_and_kill(cluster, alice, "work_retry", 8)
    last = after[-1]
    assert last["event"] == "complete", after[-3:]
    assert runner_of(last) != runner
    assert last["data"]["data"][0].split()[1] == "8"
    assert took < 2 * LEASE + 3 + 8 * 0.25, f"the retried call completed {took:.1f} s after the kill"
    # Run once more from the start, elsewhere: its outputs come from a surviving process.
    again = [e for e in after if e["event"] == "output" and runner_of(e) != runner]
    assert again and again[0]["data"]["data"][0].split()[1] == "1", [e["data"] for e in after[:5]]


def test_the_cluster_serves_everyone_again_after_a_worker_was_killed(cluster: Cluster, clients) -> None:
    # The killed workers were started again: every one answers calls, and through nginx too.
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    for worker in cluster.workers:
        answer = alice.post(f"{worker.ui}/api/echo", json={"data": ["back"]})
        assert answer.status_code == 200, answer.text
    statuses = [
        alice.post(f"{cluster.proxy_ui}/api/echo", json={"data": ["x"]}).status_code for _ in range(6)
    ]
    assert statuses == [200] * 6


def test_a_call_waiting_in_line_on_a_killed_worker_ends_with_worker_lost(cluster: Cluster, clients) -> None:
    # The worker that took a call into the cluster's line dies before its turn: its reader elsewhere hears
    # `worker_lost` instead of waiting for a turn that never comes; the line goes on for everyone else.
    release = cluster.shared_dir / "release"
    release.unlink(missing_ok=True)
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    warm_up(cluster, alice)
    killed = None
    try:
        with open_stream(alice, f"{cluster.workers[0].ui}/api/exclusive", ["line-blocker", True]) as blocker:
            blocker.until("started")
            running_on = cluster.runner_of("line-blocker")
            doomed, reader_on = cluster.others(running_on)
            # The caller's own stream stays open (a call nobody reads gives up its place in line); it goes
            # down with the worker, and the same caller follows the call from another worker.
            with (
                open_stream(alice, f"{doomed.ui}/api/exclusive", ["line-doomed", True]) as waiting,
                httpx.Client(cookies=alice.cookies, timeout=20) as elsewhere,
            ):
                first = waiting.next()
                assert first["event"] == "queued", first
                url = f"{reader_on.ui}/api/events/{first['data']['event_id']}"
                with open_stream(
                    elsewhere, url, method="GET", headers={"Last-Event-ID": first["id"]}
                ) as reader:
                    killed = cluster.kill(doomed.pid)
                    killed_at = time.monotonic()
                    after = reader.rest()
                    took = time.monotonic() - killed_at
            release.touch()
            assert blocker.until("complete", "error")["event"] == "complete"
    finally:
        release.touch()
        if killed is not None:
            cluster.respawn(killed)
    release.unlink()
    assert after and after[-1]["event"] == "error", after
    assert after[-1]["data"]["code"] == "worker_lost", after[-1]
    assert took < 2 * LEASE + 3, f"worker_lost came {took:.1f} s after the kill (lease {LEASE} s)"
    assert "line-doomed" not in {tag for _, tag, _, _ in cluster.runs()}, "the lost call ran anyway"


def full_log(client: httpx.Client, worker_ui: str, event_id: str) -> list[dict]:
    """Every event the call's log keeps, read from the start on `worker_ui`."""
    with open_stream(client, f"{worker_ui}/api/events/{event_id}", method="GET") as stream:
        return stream.rest()


def test_a_frozen_worker_that_wakes_up_writes_nothing_into_a_call_taken_over(
    cluster: Cluster, clients
) -> None:
    # SIGSTOP, not SIGKILL: the worker is only frozen (a long GC pause, a stopped VM) past its lease. Another
    # worker ends its call with worker_lost; when the frozen one wakes, its generator goes on yielding, and
    # none of that may reach the call's log after the end that readers were given.
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    warm_up(cluster, alice)
    entry = cluster.workers[0]
    with open_stream(alice, f"{entry.ui}/api/work_once", [400]) as submitted:
        event_id = submitted.next()["data"]["event_id"]
        first = submitted.until("output")
    runner = runner_of(first)
    reader_on = cluster.others(runner)[0]
    url = f"{reader_on.ui}/api/events/{event_id}"
    os.kill(runner, signal.SIGSTOP)
    try:
        with open_stream(alice, url, method="GET", headers={"Last-Event-ID": first["id"]}) as reader:
            after = reader.rest()
        assert after and after[-1]["data"]["code"] == "worker_lost", after[-3:]
    finally:
        os.kill(runner, signal.SIGCONT)
    time.sleep(4 * 0.25 + LEASE)  # the woken worker's generator yields several more outputs meanwhile
    events = full_log(alice, reader_on.ui, event_id)
    names = [e["event"] for e in events]
    assert names[-1] == "error" and events[-1]["data"]["code"] == "worker_lost", names[-5:]
    assert names.count("error") == 1 and "complete" not in names
    # The woken worker serves calls again (it learned at its next renewal that it had lost this one).
    answer = alice.post(f"{cluster.by_pid(runner).ui}/api/echo", json={"data": ["awake"]})
    assert answer.status_code == 200 and answer.json()["data"][0] == f"{runner} awake"
