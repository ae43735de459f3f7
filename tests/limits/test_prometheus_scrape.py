"""A real Prometheus (Debian's `prometheus`) scrapes P/metrics with the scrape configuration of
docs/deploy.md (a bearer token from a file) and sees the calls the app served."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from limits_helpers import echo_app
from support.ports import free_port, stop_process, wait_until_listening
from support.programs import require_program

from mountui.server.app import build_app

TOKEN = "scraper-token-0123456789abcdef"


def scrape_config(target: str, token_file: Path) -> str:
    return f"""
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: mountui-demo
    metrics_path: /metrics
    authorization:
      type: Bearer
      credentials_file: {token_file}
    static_configs:
      - targets: ["{target}"]
"""


def query(prometheus: str, expr: str) -> list[dict]:
    answer = httpx.get(f"{prometheus}/api/v1/query", params={"query": expr}, timeout=5).json()
    assert answer["status"] == "success", answer
    return answer["data"]["result"]


def test_prometheus_scrapes_the_calls(serve: Callable[..., str], tmp_path: Path) -> None:
    executable = require_program("prometheus", "/usr/bin/prometheus", apt_package="prometheus")
    base = serve(build_app(echo_app(), metrics=True, metrics_token=TOKEN))
    for _ in range(3):
        assert httpx.post(f"{base}/api/echo", json={"data": ["hi"]}).status_code == 200
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    config = tmp_path / "prometheus.yml"
    config.write_text(scrape_config(base.removeprefix("http://"), token_file))
    port = free_port()
    process = subprocess.Popen(
        [
            executable,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "prometheus.log").open("w"),
    )
    try:
        wait_until_listening(process, port, timeout=30)
        prometheus = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        found: list[dict] = []
        while time.monotonic() < deadline and not found:  # the first scrape comes within a second or two
            found = query(prometheus, 'mountui_calls_total{endpoint="echo"}')
            time.sleep(0.2)
        assert found, (tmp_path / "prometheus.log").read_text()[-2000:]
        assert found[0]["value"][1] == "3"
        assert found[0]["metric"]["job"] == "mountui-demo"
        assert query(prometheus, 'up{job="mountui-demo"}')[0]["value"][1] == "1"
    finally:
        stop_process(process)
