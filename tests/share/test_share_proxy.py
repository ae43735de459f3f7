"""The share server behind nginx, configured as docs/share-nginx.conf says: tunnels, pages and streams pass."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from share_helpers import SECRET, shared_demo
from support.sse import parse_sse

DOCS_CONFIG = Path(__file__).resolve().parents[2] / "docs" / "share-nginx.conf"


def documented_nginx(upstream_port: int) -> tuple[str, str]:
    """(the location block, the map) of docs/share-nginx.conf, pointing at `upstream_port`."""
    text = DOCS_CONFIG.read_text()
    location = re.search(r"^    location / \{\n.*?^    \}\n", text, re.S | re.M).group(0)
    upgrade_map = re.search(r"^map .*?^\}\n", text, re.S | re.M).group(0)
    return location.replace("127.0.0.1:8700", f"127.0.0.1:{upstream_port}"), upgrade_map


def test_tunnels_pages_and_streams_pass_through_nginx(relays, share, nginx):
    relay = relays(public_port=None)  # links say http://<id>.share.test/; nginx is what visitors reach
    location, upgrade_map = documented_nginx(relay.port)
    proxy = nginx(location, http_extra=upgrade_map)
    tunnel = share(shared_demo().build_app(secret_key=SECRET), proxy)  # the tunnel goes through nginx too
    host = urlsplit(tunnel.public_url).netloc
    assert host.endswith(".share.test")

    with httpx.Client(base_url=proxy, headers={"Host": host}, timeout=20) as visitor:
        assert "<title>Shared demo</title>" in visitor.get("/").text
        arrivals = []
        headers = {"Accept": "text/event-stream"}
        with visitor.stream("POST", "/api/count", json={"data": [3]}, headers=headers) as response:
            for event in parse_sse(response.iter_lines()):
                if event["event"] == "output":
                    arrivals.append(time.monotonic())
        assert len(arrivals) == 3 and arrivals[-1] - arrivals[0] > 0.3  # streamed, not buffered
