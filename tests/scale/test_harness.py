"""The scale-out harness itself: separate processes, a proxy that really spreads requests, streams unbuffered.

If these fail, the other tests of tests/scale prove nothing about several workers.
"""

from __future__ import annotations

import itertools
import time

import httpx
from scale_cluster import Cluster, open_stream, sign_in, worker_pid

CLUSTER_SIZE = 3
SHARED_CLUSTER = True  # 3 workers, lease 4 s: these tests leave it as they found it


def test_each_worker_is_its_own_process_answering_on_its_own_port(cluster: Cluster) -> None:
    pids = {httpx.get(f"{w.url}/whoami").json()["pid"] for w in cluster.workers}
    assert pids == {w.pid for w in cluster.workers}
    assert len(pids) == CLUSTER_SIZE
    for worker in cluster.workers:
        assert httpx.get(f"{worker.ui}/healthz").status_code == 200


def test_nginx_round_robin_alternates_between_every_worker(cluster: Cluster) -> None:
    with httpx.Client() as client:
        served = [worker_pid(client.get(f"{cluster.proxy}/whoami")) for _ in range(3 * CLUSTER_SIZE)]
    assert set(served) == {w.pid for w in cluster.workers}
    # No stickiness: one client on one keep-alive connection still lands on another worker each time.
    assert all(a != b for a, b in itertools.pairwise(served)), served
    assert all(served.count(pid) == 3 for pid in set(served)), served


def test_nginx_passes_each_event_of_a_stream_as_it_comes(cluster: Cluster, clients) -> None:
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    # 4 outputs 0.5 s apart: a buffering proxy would deliver them all at the end, together.
    with open_stream(alice, f"{cluster.proxy_ui}/api/slow", [4, 0.5]) as stream:
        arrivals = []
        started = time.monotonic()
        while (event := stream.next())["event"] != "complete":
            if event["event"] == "output":
                arrivals.append(time.monotonic() - started)
    assert len(arrivals) == 4
    assert arrivals[0] < 1.0, arrivals
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert all(gap > 0.3 for gap in gaps), arrivals
