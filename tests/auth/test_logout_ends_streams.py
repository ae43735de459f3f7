"""Signing out ends that session's running calls and open event streams (SECURITY.md)."""

from __future__ import annotations

import threading

import httpx
from auth_helpers import SECRET, USERS, browser_headers, sign_in
from support.sse import parse_sse

import mountui


def test_logout_ends_the_open_stream_of_that_session_only(serve):
    release = threading.Event()

    def wait_forever(x: str):
        yield "working"
        release.wait(20)
        yield "finished"

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(wait_forever, box, box, concurrency_limit=None)
    base = serve(demo.build_app(auth=USERS, secret_key=SECRET))
    with httpx.Client(timeout=10) as alice, httpx.Client(timeout=10) as alice_elsewhere:
        for client in (alice, alice_elsewhere):
            assert sign_in(client, base, *USERS[0]).status_code == 303
        headers = {"Accept": "text/event-stream"}
        with (
            alice.stream("POST", f"{base}/api/wait_forever", json={"data": ["."]}, headers=headers) as mine,
            alice_elsewhere.stream(
                "POST", f"{base}/api/wait_forever", json={"data": ["."]}, headers=headers
            ) as other,
        ):
            mine_events, other_events = parse_sse(mine.iter_lines()), parse_sse(other.iter_lines())
            assert [next(mine_events)["event"], next(mine_events)["event"]] == ["started", "output"]
            assert [next(other_events)["event"], next(other_events)["event"]] == ["started", "output"]
            # Sign out of this session only: its stream ends at once, the other device's keeps going.
            logout = alice.get(f"{base}/logout?all_session=false", headers=browser_headers(base))
            assert logout.status_code == 303
            ended = list(mine_events)
            assert ended[-1]["event"] == "error" and ended[-1]["data"]["code"] == "cancelled"
            release.set()
            assert [e["event"] for e in other_events] == ["output", "complete"]
