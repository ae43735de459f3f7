"""Redis stops while users are calling, then comes back (with its data: append-only file). During the outage
calls answer 503 `store_unavailable` and a signed-in user is not sent to the login page; afterwards the same
workers, never restarted, serve the same signed-in user again.
"""

from __future__ import annotations

import threading
import time

import httpx
from scale_cluster import Cluster, call, sign_in, worker_pid
from support.redis import RedisProcess

CLUSTER_SIZE = 2
REDIS_APPENDONLY = True


class Traffic(threading.Thread):
    """A user calling `echo` through nginx in a loop; records (sent, received, status, error code) of every
    answer: a call is "during the outage" when it was sent after Redis stopped and answered before it was
    started again (an answer may arrive later than the moment it speaks of)."""

    def __init__(self, ui: str, cookies: httpx.Cookies) -> None:
        super().__init__(daemon=True)
        self.ui, self.cookies = ui, cookies
        self.answers: list[tuple[float, float, int, str | None]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        with httpx.Client(cookies=self.cookies, timeout=10) as client:
            while not self.stopping.is_set():
                sent = time.monotonic()
                try:
                    answer = call(client, self.ui, "echo", ["tick"])
                except httpx.HTTPError as error:
                    self.answers.append((sent, time.monotonic(), 0, type(error).__name__))
                    continue
                code = None if answer.status_code == 200 else error_code(answer)
                self.answers.append((sent, time.monotonic(), answer.status_code, code))
                time.sleep(0.05)


def error_code(answer: httpx.Response) -> str:
    try:
        return answer.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return f"not the JSON error: {answer.text[:100]!r}"


def wait_for(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_redis_outage_answers_503_and_the_workers_recover_by_themselves(
    cluster: Cluster, scale_redis: RedisProcess, clients
) -> None:
    alice = clients()
    sign_in(alice, cluster.proxy_ui)
    pids = [w.pid for w in cluster.workers]
    for worker in cluster.workers:
        assert call(alice, worker.ui, "echo", ["before"]).status_code == 200
    traffic = Traffic(cluster.proxy_ui, alice.cookies)
    traffic.start()
    time.sleep(0.5)
    scale_redis.stop()
    stopped_at = time.monotonic()
    try:
        for worker in cluster.workers:
            answer = call(alice, worker.ui, "echo", ["during"])
            assert answer.status_code == 503, (answer.status_code, answer.text)
            assert answer.json()["error"]["code"] == "store_unavailable"
            assert worker_pid(answer) == worker.pid
            stream = call(alice, worker.ui, "echo", ["during"], headers={"Accept": "text/event-stream"})
            assert stream.status_code == 503, (stream.status_code, stream.text[:300])
            # Signed in all along: the page says "unavailable", it does not ask her to sign in again.
            page = alice.get(f"{worker.ui}/", headers={"Accept": "text/html"})
            assert page.status_code == 503, (page.status_code, page.headers.get("location"))
            assert alice.get(f"{worker.ui}/config").status_code == 503
        time.sleep(1)
    finally:
        restarting_at = time.monotonic()
        scale_redis.start(port=scale_redis.port)
    restarted_at = time.monotonic()

    def everyone_served() -> bool:
        return all(call(alice, w.ui, "echo", ["after"]).status_code == 200 for w in cluster.workers)

    assert wait_for(everyone_served, timeout=15), [
        (call(alice, w.ui, "echo", ["after"]).status_code, call(alice, w.ui, "echo", ["after"]).text)
        for w in cluster.workers
    ]
    recovered_at = time.monotonic()
    recovered_after = recovered_at - restarted_at
    time.sleep(1.5)
    traffic.stopping.set()
    traffic.join(15)
    # The same processes (not restarted), the same session (it survived in Redis's append-only file).
    assert [w.pid for w in cluster.workers] == pids
    assert all(w.process is not None and w.process.poll() is None for w in cluster.workers)
    assert alice.get(f"{cluster.proxy_ui}/config").json()["username"] == "alice"
    outcomes = {(status, code) for _, _, status, code in traffic.answers}
    assert outcomes <= {(200, None), (503, "store_unavailable")}, outcomes
    during = [(s, c) for sent, got, s, c in traffic.answers if stopped_at < sent and got < restarting_at]
    assert during and all(s == 503 for s, _ in during), during
    # Once every worker has answered again, nobody gets another 503.
    after = [
        (round(sent - recovered_at, 2), s, c) for sent, _, s, c in traffic.answers if sent > recovered_at
    ]
    failed_after = [(f"+{t} s", s, c) for t, s, c in after if s != 200]
    assert after and not failed_after, f"{len(failed_after)} of {len(after)} calls failed: {failed_after}"
    assert recovered_after < 15
