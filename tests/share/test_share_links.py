"""A shared app, as visitors of its link see it: pages, calls, streams, files and sign-in through the relay."""

from __future__ import annotations

import hashlib
import itertools
import time

from share_helpers import SECRET, Visitor, made_bytes, shared_demo, wait_for
from support.sse import parse_sse


def test_the_page_and_a_call_answer_at_the_link(relay, share):
    tunnel = share(shared_demo().build_app(secret_key=SECRET), relay)
    assert tunnel.public_url.startswith("http://") and tunnel.public_url.endswith(
        f".share.test:{relay.port}/"
    )
    assert len(tunnel.lines) == 1 and f"shared at {tunnel.public_url}" in tunnel.lines[0]
    with Visitor(tunnel.public_url) as visitor:
        page = visitor.get("/")
        assert page.status_code == 200 and "<title>Shared demo</title>" in page.text
        assert visitor.post("/api/greet", json={"data": ["Ada"]}).json() == {"data": ["Hello, Ada!"]}


def test_a_streamed_call_arrives_piece_by_piece(relay, share):
    tunnel = share(shared_demo().build_app(secret_key=SECRET), relay)
    arrivals = []
    with Visitor(tunnel.public_url) as visitor:
        headers = {"Accept": "text/event-stream"}
        with visitor.stream("POST", "/api/count", json={"data": [4]}, headers=headers) as response:
            assert response.status_code == 200
            for event in parse_sse(response.iter_lines()):
                arrivals.append((time.monotonic(), event["event"], event["data"]))
    outputs = [(at, data["data"][0]) for at, name, data in arrivals if name == "output"]
    assert [text for _, text in outputs] == ["1", "1 2", "1 2 3", "1 2 3 4"]
    # each output came when the function yielded it (0.25 s apart), not all at once at the end
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(outputs)]
    assert all(gap > 0.15 for gap in gaps), gaps
    assert arrivals[-1][1] == "complete"


def test_an_upload_and_a_download_cross_the_tunnel_whole(relay, share):
    tunnel = share(shared_demo().build_app(secret_key=SECRET), relay)
    content = bytes(range(256)) * 12_000  # ~3 MB: many windows of credit each way
    with Visitor(tunnel.public_url) as visitor:
        uploaded = visitor.post("/upload", files={"files": ("big.bin", content, "application/octet-stream")})
        assert uploaded.status_code == 200, uploaded.text
        (ref,) = uploaded.json()["files"]
        checked = visitor.post("/api/digest", json={"data": [{"id": ref["id"]}]})
        assert checked.json() == {"data": [hashlib.sha256(content).hexdigest()]}

        made = visitor.post("/api/make_file", json={"data": [2 * 1024 * 1024]})
        assert made.status_code == 200, made.text
        url = made.json()["data"][0]["url"]
        download = visitor.get(url.removeprefix(visitor.link_path))
        assert download.status_code == 200 and download.content == made_bytes(2 * 1024 * 1024)


def test_a_visitor_who_stops_reading_holds_back_no_one_else(relay, share):
    tunnel = share(shared_demo().build_app(secret_key=SECRET), relay)
    size = 24 * 1024 * 1024  # far more than the socket buffers and the tunnel's window hold together
    with Visitor(tunnel.public_url) as slow, Visitor(tunnel.public_url) as other:
        url = slow.post("/api/make_file", json={"data": [size]}).json()["data"][0]["url"]
        with slow.stream("GET", url.removeprefix(slow.link_path)) as download:
            assert download.status_code == 200
            chunks = download.iter_bytes()
            received = next(chunks)  # then this visitor stops reading for a while
            (live,) = relay.relay.registry.live.values()

            def held_at_relay() -> int:
                return sum(stream.buffered for stream in list(live.mux.streams.values()))

            # the pipe fills up to the stalled visitor; then the relay holds at most one window of the
            # download, and the app waits for credit instead of pushing the rest
            wait_for(lambda: held_at_relay() > 0, what="the download to back up to the relay")
            for name in ("Ada", "Grace", "Edsger"):
                answer = other.post("/api/greet", json={"data": [name]})
                assert answer.json() == {"data": [f"Hello, {name}!"]}
            assert 0 < held_at_relay() <= live.mux.window
            for chunk in chunks:
                received += chunk
        assert received == made_bytes(size)


def test_the_apps_sign_in_applies_to_visitors_and_its_cookie_fits_the_link(relay, share):
    app = shared_demo().build_app(secret_key=SECRET, auth=[("alice", "s3cret")])
    tunnel = share(app, relay)
    host = tunnel.public_url.split("//")[1].rstrip("/")
    with Visitor(tunnel.public_url) as visitor:
        assert visitor.post("/api/greet", json={"data": ["Ada"]}).status_code == 401
        # a visitor's forged forwarded headers change nothing: the relay says where the request came from
        forged = {
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Prefix": "/evil",
            "Forwarded": "host=evil.example",
        }
        page = visitor.get("/", headers=forged)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=%2F"
        origin = {"Origin": f"http://{host}", "Sec-Fetch-Site": "same-origin"}
        signed_in = visitor.post("/login", data={"username": "alice", "password": "s3cret"}, headers=origin)
        assert signed_in.status_code in (302, 303), signed_in.text
        assert "secure" not in signed_in.headers["set-cookie"].lower()  # the link is http:// in this test
        assert visitor.post("/api/greet", json={"data": ["Ada"]}).json() == {"data": ["Hello, Ada!"]}
        # a page of another site cannot use the visitor's session through the link
        cross = {"Origin": "http://other.example", "Sec-Fetch-Site": "cross-site"}
        assert visitor.post("/api/greet", json={"data": ["Ada"]}, headers=cross).status_code == 403


def test_an_https_link_gets_secure_cookies_and_https_urls(relays, share):
    relay = relays(
        scheme="https"
    )  # TLS ends in a proxy in front of the relay; here visitors speak http to it
    tunnel = share(shared_demo().build_app(secret_key=SECRET, auth=[("alice", "s3cret")]), relay)
    assert tunnel.public_url.startswith("https://")
    origin = tunnel.public_url.rstrip("/")
    with Visitor(tunnel.public_url) as visitor:
        form = {"username": "alice", "password": "s3cret"}
        signed_in = visitor.post("/login", data=form, headers={"Origin": origin})  # an older browser's POST
        assert signed_in.status_code == 303
        assert "; secure" in signed_in.headers["set-cookie"].lower()
        forged = visitor.post("/login", data=form, headers={"Origin": origin.replace("https:", "http:")})
        assert forged.status_code == 403  # the app knows its origin is the https link


def test_two_apps_on_one_relay_each_have_their_own_link(relay, share):
    first = share(shared_demo().build_app(secret_key=SECRET), relay)
    other_demo = shared_demo()
    other_demo.title = "Other demo"
    second = share(other_demo.build_app(secret_key=SECRET), relay)
    assert first.public_url != second.public_url
    with Visitor(first.public_url) as one, Visitor(second.public_url) as two:
        assert "<title>Shared demo</title>" in one.get("/").text
        assert "<title>Other demo</title>" in two.get("/").text


def test_path_mode_serves_links_under_s(relays, share):
    relay = relays(mode="path")
    app = shared_demo().build_app(secret_key=SECRET, auth=[("alice", "s3cret")])
    tunnel = share(app, relay)
    assert tunnel.public_url.startswith(f"http://share.test:{relay.port}/s/")
    with Visitor(tunnel.public_url) as visitor:
        prefix = visitor.link_path
        bare = visitor.get(f"http://127.0.0.1:{relay.port}{prefix}")
        assert bare.status_code == 308 and bare.headers["location"] == prefix + "/"
        # the app knows the link's path: its redirects stay under it
        page = visitor.get("/", headers={"X-Forwarded-Prefix": "/evil"})
        assert page.status_code == 303 and page.headers["location"].startswith(f"{prefix}/login?next=")
        origin = {"Origin": f"http://share.test:{relay.port}", "Sec-Fetch-Site": "same-origin"}
        signed_in = visitor.post("/login", data={"username": "alice", "password": "s3cret"}, headers=origin)
        assert f"Path={prefix}" in signed_in.headers["set-cookie"]  # the cookie stays with this link
        assert visitor.post("/api/greet", json={"data": ["Ada"]}).json() == {"data": ["Hello, Ada!"]}


def test_a_link_nobody_shares_says_so(relay):
    with Visitor(f"http://nosuchlinkatall00000000000.share.test:{relay.port}/") as visitor:
        answer = visitor.get("/")
    assert answer.status_code == 404 and "No app is shared at this link" in answer.text


def test_limits_on_bodies_and_concurrent_requests_are_clear(relays, share):
    relay = relays(max_body=10_000, max_streams=2)
    tunnel = share(shared_demo().build_app(secret_key=SECRET), relay)
    with Visitor(tunnel.public_url) as visitor:
        too_big = visitor.post("/upload", files={"files": ("big.bin", b"x" * 20_000)})
        assert too_big.status_code == 413 and "at most 10000 bytes" in too_big.text
        headers = {"Accept": "text/event-stream"}
        with (
            visitor.stream("POST", "/api/tick", json={"data": [40]}, headers=headers) as one,
            visitor.stream("POST", "/api/tick", json={"data": [40]}, headers=headers) as two,
        ):
            assert one.status_code == two.status_code == 200
            third = visitor.post("/api/greet", json={"data": ["Ada"]})
            assert third.status_code == 503 and "at most 2 requests at once" in third.text
        wait_for(
            lambda: visitor.post("/api/greet", json={"data": ["Ada"]}).status_code == 200, what="a free slot"
        )
