"""Sharing as a user does it: `mountui share-server` on one side, `demo.launch(share=...)` on the other."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from share_helpers import DOMAIN, TOKEN, Visitor
from support.ports import LOOPBACK, free_port, wait_until_listening

import mountui

MOUNTUI_COMMAND = str(Path(sys.executable).parent / "mountui")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def read_until(process: subprocess.Popen, marker: str) -> list[str]:
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if marker in line:
            return lines
    raise AssertionError(f"the process ended before printing {marker!r}: {lines}")


def test_share_true_with_no_share_server_explains_what_to_do(monkeypatch):
    monkeypatch.delenv("MOUNTUI_SHARE_SERVER", raising=False)
    demo = mountui.Interface(lambda name: name, "textbox", "textbox")
    with pytest.raises(mountui.ConfigError) as refused:
        demo.launch(share=True)
    message = str(refused.value)
    assert 'share="https://share.example.com"' in message and "MOUNTUI_SHARE_SERVER" in message
    assert "mountui share-server --domain" in message and "ssh -R" in message


def test_the_share_server_command_refuses_a_short_token():
    done = subprocess.run(
        [MOUNTUI_COMMAND, "share-server", "--domain", DOMAIN, "--token", "short"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "at least 16 characters" in done.stderr


def test_launch_with_share_prints_the_link_beside_the_local_address(tmp_path, processes):
    (tmp_path / "token").write_text(TOKEN + "\n")
    relay_port, app_port = free_port(), free_port()
    relay = subprocess.Popen(
        [MOUNTUI_COMMAND, "share-server", "--domain", DOMAIN, "--token-file", str(tmp_path / "token"),
         "--scheme", "http", "--port", str(relay_port), "--public-port", str(relay_port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    processes.append(relay)
    assert "links look like http://<id>.share.test" in read_until(relay, "links look like")[-1]
    wait_until_listening(relay, relay_port, timeout=20)

    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            f"""
            import mountui

            def greet(name: str) -> str:
                return f"Hello, {{name}}!"

            demo = mountui.Interface(greet, "textbox", "textbox", title="Launched")
            demo.launch(port={app_port}, share=True)
            """
        )
    )
    env = {
        **os.environ,
        "MOUNTUI_SHARE_SERVER": f"http://{LOOPBACK}:{relay_port}",
        "MOUNTUI_SHARE_TOKEN": TOKEN,
    }
    app = subprocess.Popen(
        [sys.executable, "-u", "app.py"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    processes.append(app)
    lines = read_until(app, "shared at")
    assert any(f"serving 'Launched' at http://localhost:{app_port}/" in line for line in lines)
    link = lines[-1].split("shared at ")[1].split()[0]
    assert link.endswith(f".{DOMAIN}:{relay_port}/")
    with Visitor(link) as visitor:
        assert "<title>Launched</title>" in visitor.get("/").text
        assert visitor.post("/api/predict", json={"data": ["Ada"]}).json() == {"data": ["Hello, Ada!"]}
