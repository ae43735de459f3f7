"""Sharing as a user does it: `mountui share-server` on one side, `demo.launch(share=...)` on the other."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from share_helpers import DOMAIN, TOKEN, Visitor
from support.ports import LOOPBACK, free_port, wait_until_listening

import mountui

MOUNTUI_COMMAND = str(Path(sys.executable).parent / "mountui")
README = Path(__file__).resolve().parents[2] / "README.md"
README_FENCE = re.compile(r"^```\w+\n(.*?)^```", re.S | re.M)


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


def readme_block(marker: str) -> str:
    (code,) = [m.group(1) for m in README_FENCE.finditer(README.read_text()) if marker in m.group(1)]
    return code


def test_the_readmes_share_server_and_shared_app(tmp_path, processes):
    """The README's two blocks, changed only to plain http on loopback ports and a test domain."""
    relay_port, app_port = free_port(), free_port()
    make_token, serve_relay = readme_block("mountui share-server").strip().splitlines()
    subprocess.run(["bash", "-ec", make_token], cwd=tmp_path, check=True, timeout=30)
    command = serve_relay.split("#")[0].replace("share.example.com", DOMAIN).split()
    command += ["--scheme", "http", "--port", str(relay_port), "--public-port", str(relay_port)]
    assert command[0] == "mountui"
    relay = subprocess.Popen(
        [MOUNTUI_COMMAND, *command[1:]],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    processes.append(relay)
    assert "links look like http://<id>.share.test" in read_until(relay, "links look like")[-1]
    wait_until_listening(relay, relay_port, timeout=20)

    app_code = readme_block('share="https://share.example.com"')
    app_code = app_code.replace("https://share.example.com", f"http://{LOOPBACK}:{relay_port}")
    (tmp_path / "app.py").write_text(app_code.replace("demo.launch(", f"demo.launch(port={app_port}, "))
    app = subprocess.Popen(
        [sys.executable, "-u", "app.py"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    processes.append(app)
    lines = read_until(app, "shared at")
    assert f"mountui: serving 'Greeter' at http://localhost:{app_port}/" in lines
    link = lines[-1].split("shared at ")[1].split()[0]
    assert link.endswith(f".{DOMAIN}:{relay_port}/") and "anyone with the link can open the app" in lines[-1]
    with Visitor(link) as visitor:
        assert "<title>Greeter</title>" in visitor.get("/").text
        assert visitor.post("/api/predict", json={"data": ["Ada"]}).json() == {"data": ["Hello, Ada!"]}


def test_share_true_takes_the_share_server_from_the_environment(relay, tmp_path, processes):
    app_port = free_port()
    (tmp_path / "app.py").write_text(
        f"import mountui\nmountui.Interface(str.upper, 'textbox', 'textbox').launch(port={app_port}, share=True)\n"
    )
    env = {**os.environ, "MOUNTUI_SHARE_SERVER": relay.url, "MOUNTUI_SHARE_TOKEN": TOKEN}
    app = subprocess.Popen(
        [sys.executable, "-u", "app.py"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    processes.append(app)
    link = read_until(app, "shared at")[-1].split("shared at ")[1].split()[0]
    with Visitor(link) as visitor:
        assert visitor.post("/api/predict", json={"data": ["ada"]}).json() == {"data": ["ADA"]}
