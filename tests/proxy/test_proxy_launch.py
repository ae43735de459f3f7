"""launch() behind nginx: uvicorn configured by mountui, with and without root_path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from proxy_helpers import PREFIX, REMOTE_CLIENT, nginx_snippet
from support.ports import free_port, stop_process, wait_until_listening

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize(
    ("root_path", "forward_prefix"), [(PREFIX, False), ("", True)], ids=["root-path", "forwarded-prefix"]
)
def test_launch_serves_the_public_urls_behind_an_https_proxy(nginx, root_path, forward_prefix):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "launch_app.py", str(port), root_path],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_listening(process, port, timeout=20)
        proxy = nginx(nginx_snippet(f"http://127.0.0.1:{port}", tls=True, forward_prefix=forward_prefix))
        response = httpx.post(
            f"{proxy}{PREFIX}/api/where",
            json={"data": []},
            headers={"X-Forwarded-For": REMOTE_CLIENT},
            timeout=20,
        )
        health = httpx.get(f"{proxy}{PREFIX}/healthz", timeout=20)
    finally:
        stop_process(process)
    output = process.stdout.read() if process.stdout else ""

    assert response.status_code == 200, output
    [where] = response.json()["data"]
    public = proxy.replace("http://", "https://")
    assert where == {
        "redirect_uri": f"{public}{PREFIX}/oauth/callback",
        "base_path": PREFIX,
        "client": REMOTE_CLIENT,
        "scheme": "https",
    }
    assert health.json() == {"status": "ok"}
    assert f"at http://localhost:{port}/" in output
