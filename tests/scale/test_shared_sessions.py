"""Sign-in spans the workers: signed in through one, a user is signed in on all; signing out on one ends
their streams on the others. Workers are addressed directly ("on A", "on B") or through nginx round-robin.
"""

from __future__ import annotations

import time

from scale_cluster import Cluster, browser_headers, call, open_stream, sign_in, worker_pid

CLUSTER_SIZE = 3
SHARED_CLUSTER = True  # 3 workers, lease 4 s: these tests leave it as they found it


def test_signed_in_on_one_worker_is_signed_in_on_every_worker(cluster: Cluster, clients) -> None:
    a, b, c = cluster.workers
    alice, stranger = clients(), clients()
    assert sign_in(alice, a.ui) == a.pid
    for worker in (b, c):
        answer = call(alice, worker.ui, "echo", ["hi"])
        assert answer.status_code == 200, answer.text
        assert worker_pid(answer) == worker.pid
        assert answer.json()["data"][0].endswith(" hi")
        assert alice.get(f"{worker.ui}/config").json()["username"] == "alice"
        assert call(stranger, worker.ui, "echo", ["hi"]).status_code == 401
    # Through the load balancer, with no stickiness: every call lands somewhere and every one is accepted.
    answers = [call(alice, cluster.proxy_ui, "echo", [str(i)]) for i in range(2 * CLUSTER_SIZE)]
    assert [r.status_code for r in answers] == [200] * len(answers)
    assert {worker_pid(r) for r in answers} == {w.pid for w in cluster.workers}


def test_logout_everywhere_on_one_worker_ends_open_streams_on_another(cluster: Cluster, clients) -> None:
    a, b, c = cluster.workers
    alice, alice_phone = clients(), clients()
    sign_in(alice, a.ui)
    sign_in(alice_phone, c.ui)
    with open_stream(alice, f"{a.ui}/api/slow", [80, 0.1]) as stream:
        assert stream.worker == a.pid
        stream.until("output")
        # From the phone, on another worker: "sign out of all devices".
        logout = alice_phone.get(f"{b.ui}/logout", headers=browser_headers(b.ui))
        assert logout.status_code == 303, logout.text
        signed_out_at = time.monotonic()
        last = stream.until("error", "complete")
        ended_after = time.monotonic() - signed_out_at
    assert last["event"] == "error" and last["data"]["code"] == "cancelled", stream.seen[-3:]
    assert ended_after < cluster.lease + 3, f"the stream on A ended {ended_after:.1f} s after the sign-out"
    # Signed out everywhere: neither device can call any worker any more.
    for client in (alice, alice_phone):
        for worker in cluster.workers:
            assert call(client, worker.ui, "echo", ["x"]).status_code == 401


def test_failed_sign_ins_count_on_every_worker(cluster: Cluster, clients) -> None:
    # Login throttling is shared: 5 failures spread over the workers, and the next try is refused anywhere.
    # They come from one (forwarded) address and for a user no other test signs in as, so only carol from
    # there is locked out; alice from elsewhere still signs in.
    carol = clients()
    statuses = []
    for i in range(6):
        ui = cluster.workers[i % CLUSTER_SIZE].ui
        form = {"username": "carol", "password": f"wrong-{i}"}
        headers = {**browser_headers(ui), "X-Forwarded-For": "203.0.113.7"}
        statuses.append(carol.post(f"{ui}/login", data=form, headers=headers).status_code)
    assert statuses[-1] == 429, statuses
    form = {"username": "carol", "password": "carol-in-wonderland-3"}
    headers = {**browser_headers(cluster.workers[0].ui), "X-Forwarded-For": "203.0.113.7"}
    assert carol.post(f"{cluster.workers[0].ui}/login", data=form, headers=headers).status_code == 429
    assert sign_in(clients(), cluster.workers[1].ui) == cluster.workers[1].pid
