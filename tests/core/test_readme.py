"""The README's code runs as a new user runs it: each block against the app it sits beside.

The blocks are read from README.md itself; the only change made to them is the address (a free port instead
of 8000 or 7860). A block this file does not know fails the census test, so a new example gets a test too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import orjson
import pytest
from support.ports import free_port
from support.sse import parse_sse

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
SECRET = "readme-secret-key-that-is-long-enough-0123456789"

# What identifies each block, and the test that runs it.
KNOWN = {
    "make demo": "the set-up commands: CI runs `make test`; test_examples runs `make demo`'s example",
    'mount_ui_app(app, demo, path="/ui")': "test_mount_into_fastapi_then_curl_and_the_client",
    "demo.launch()": "test_launch_alone",
    "api/greet": "test_mount_into_fastapi_then_curl_and_the_client",
    "api/count": "test_mount_into_fastapi_then_curl_and_the_client",
    "from main import app, demo": "test_password_sign_in",
    "OAuth.google": "test_google_sign_in_builds",
    "from mountui import Client": "test_mount_into_fastapi_then_curl_and_the_client",
    "mcp_server=True": "test_mcp_server_and_its_python_client",
    "from mcp import Client": "test_mcp_server_and_its_python_client",
    'rate_limit="20/minute"': "test_rate_limits_and_metrics",
    "mountui_ui": "test_testing_your_ui",
    "mountui.DeepLinkButton()": "test_deep_link_of_the_greeting_bot",
    "pwa=True)": "test_installable_app_under_a_mount_path",
    "mountui share-server": "tests/share/test_share_launch.py::test_the_readmes_share_server_and_shared_app",
    'share="https://share.example.com"': "tests/share/test_share_launch.py::test_the_readmes_share_server_and_shared_app",
    "frame_ancestors=": "test_embedding_settings_and_snippets",
    "/embed.js": "test_embedding_settings_and_snippets",
    "<iframe src=": "test_embedding_settings_and_snippets",
}
EMBEDDED_AT = "https://tools.example.com/"  # where the README's snippets say the app is served


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(README.read_text())]


def block(marker: str) -> str:
    (code,) = [code for _, code in blocks() if marker in code]
    return code


def at_port(code: str, port: int) -> str:
    return code.replace("127.0.0.1:8000", f"127.0.0.1:{port}")


def shell(code: str) -> str:
    done = subprocess.run(["bash", "-ec", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_code_block_is_run_by_a_test():
    for language, code in blocks():
        assert language in ("python", "sh", "html"), f"a {language} block; run it here or mark it as text"
        markers = [m for m in KNOWN if m in code]
        assert markers, f"no test runs this README block:\n{code}"


@pytest.fixture
def main_app(tmp_path, run) -> int:
    """The "Mount into FastAPI" block saved as main.py and run with uvicorn, as the README says."""
    (tmp_path / "main.py").write_text(block('mount_ui_app(app, demo, path="/ui")'))
    port = free_port()
    run(["-m", "uvicorn", "main:app", "--port", str(port)], f"http://127.0.0.1:{port}/ui/", cwd=tmp_path)
    return port


def test_mount_into_fastapi_then_curl_and_the_client(main_app, tmp_path):
    port = main_app
    page = httpx.get(f"http://127.0.0.1:{port}/ui/")
    assert page.status_code == 200 and "<title>Greeter</title>" in page.text

    greet = block("api/greet")
    expected = [line[2:] for line in greet.splitlines() if line.startswith("# ")]
    assert shell(at_port(greet, port)).strip().splitlines() == expected

    events = list(parse_sse(iter(shell(at_port(block("api/count"), port)).splitlines())))
    assert [e["event"] for e in events] == ["started", "output", "output", "output", "complete"]
    assert events[-1]["data"] == {"data": ["1 2 3"]}

    client = subprocess.run(
        [sys.executable, "-c", at_port(block("from mountui import Client"), port)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert client.returncode == 0, client.stderr
    lines = client.stdout.splitlines()
    assert lines[0] == "Hello, World!"
    assert lines[1:6] == ["1", "1 2", "1 2 3", "1 2 3 4", "1 2 3 4 5"]
    assert lines[6] == "1 2 3 4 5"
    assert "greet" in client.stdout[client.stdout.index(lines[6]) :]  # view_api lists the endpoints


def test_launch_alone(run, tmp_path):
    port = free_port()
    script = block("demo.launch()").replace("demo.launch()", f"demo.launch(port={port})")
    (tmp_path / "hello.py").write_text(script)
    base = run(["hello.py"], f"http://127.0.0.1:{port}/config", cwd=tmp_path).rsplit("/", 1)[0]
    answer = httpx.post(f"{base}/api/predict", json={"data": ["Ada"]})
    assert answer.json() == {"data": ["Hello, Ada!"]}
    examples = httpx.get(f"{base}/config").json()["examples"]
    assert "Ada" in orjson.dumps(examples).decode()


def test_password_sign_in(run, tmp_path):
    (tmp_path / "main.py").write_text(block('mount_ui_app(app, demo, path="/ui")'))
    (tmp_path / "team.py").write_text(block("from main import app, demo"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run(
        ["-m", "uvicorn", "team:app", "--port", str(port)],
        f"{base}/team/login",
        env={"MOUNTUI_SECRET_KEY": SECRET},
        cwd=tmp_path,
    )
    with httpx.Client() as browser:
        assert browser.get(f"{base}/team/config").status_code == 401
        assert "Ask Ann for an account." in browser.get(f"{base}/team/login").text
        wrong = browser.post(f"{base}/team/login", data={"username": "alice", "password": "nope"})
        assert wrong.status_code == 401
        right = browser.post(f"{base}/team/login", data={"username": "alice", "password": "s3cret"})
        assert right.status_code == 303
        assert browser.get(f"{base}/team/config").json()["username"] == "alice"
        # The open UI of main.py is still there, unchanged.
        assert httpx.post(f"{base}/ui/api/greet", json={"data": ["Bo"]}).json() == {"data": ["Hello, Bo!"]}


def test_google_sign_in_builds(tmp_path):
    # Google's servers cannot be reached here: the block is run up to a built app, and the sign-in flow
    # itself is tested against a real OpenID provider in tests/oauth.
    (tmp_path / "main.py").write_text(block('mount_ui_app(app, demo, path="/ui")'))
    (tmp_path / "members.py").write_text(block("OAuth.google"))
    check = "import members; print(sorted(r.path for r in members.app.routes if r.path.startswith('/m')))"
    env = {
        **os.environ,
        "MOUNTUI_SECRET_KEY": SECRET,
        "MOUNTUI_OAUTH_CLIENT_ID": "id.apps.googleusercontent.com",
        "MOUNTUI_OAUTH_CLIENT_SECRET": "a-client-secret",
    }
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['/members']"


def test_mcp_server_and_its_python_client(run, tmp_path):
    port = free_port()
    server = block("tools.launch(mcp_server=True)")
    (tmp_path / "text_tools.py").write_text(
        server.replace("launch(mcp_server=True)", f"launch(port={port}, mcp_server=True)")
    )
    run(["text_tools.py"], f"http://127.0.0.1:{port}/config", cwd=tmp_path)
    client = block("from mcp import Client")
    done = subprocess.run(
        [sys.executable, "-c", client.replace("127.0.0.1:7860", f"127.0.0.1:{port}")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    expected = [line[2:] for line in client.splitlines() if line.startswith("# ")]
    assert done.stdout.strip().splitlines() == expected


def test_rate_limits_and_metrics(run, tmp_path):
    (tmp_path / "limits.py").write_text(block('rate_limit="20/minute"'))
    port = free_port()
    base = run(
        ["-m", "uvicorn", "limits:app", "--port", str(port)], f"http://127.0.0.1:{port}/config", cwd=tmp_path
    )
    base = base.rsplit("/", 1)[0]
    answers = [httpx.post(f"{base}/api/generate", json={"data": ["hi"]}) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[0].json() == {"data": ["HI"]}
    assert answers[5].json()["error"]["code"] == "rate_limited"
    assert 59 <= int(answers[5].headers["retry-after"]) <= 60
    assert httpx.get(f"{base}/metrics").status_code == 401  # the token is needed
    bearer = {"Authorization": "Bearer replace-with-a-long-random-token"}
    metrics = httpx.get(f"{base}/metrics", headers=bearer).text
    assert 'mountui_calls_total{endpoint="generate"} 5.0' in metrics
    assert 'mountui_rate_limited_calls_total{endpoint="generate"} 1.0' in metrics


def test_testing_your_ui(tmp_path):
    (tmp_path / "main.py").write_text(block('mount_ui_app(app, demo, path="/ui")'))
    (tmp_path / "test_main.py").write_text(block("mountui_ui"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "test_main.py", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_deep_link_of_the_greeting_bot(run, tmp_path):
    port = free_port()
    script = block("mountui.DeepLinkButton()").replace("bot.launch(", f"bot.launch(port={port}, ")
    (tmp_path / "bot.py").write_text(script)
    base = run(["bot.py"], f"http://127.0.0.1:{port}/config", cwd=tmp_path).rsplit("/", 1)[0]
    ids = {c["props"].get("label"): c["id"] for c in httpx.get(f"{base}/config").json()["components"]}
    history = [{"role": "user", "content": "Ada"}, {"role": "assistant", "content": "Hello, **Ada**!"}]
    values = {str(ids["Chat"]): history, str(ids["Your API key"]): "sk-secret"}
    answer = httpx.post(f"{base}/deep_link", json={"values": values}).json()
    assert answer["url"] == f"{base}/?deep_link={answer['id']}"
    config = httpx.get(f"{base}/config?deep_link={answer['id']}").json()
    shown = {c["id"]: c.get("value") for c in config["components"]}
    assert shown[ids["Chat"]][1]["html"] == "<p>Hello, <strong>Ada</strong>!</p>\n"
    assert shown[ids["Your API key"]] == ""


def test_installable_app_under_a_mount_path(run, tmp_path):
    (tmp_path / "main.py").write_text(block('mount_ui_app(app, demo, path="/ui")'))
    (tmp_path / "pwa_app.py").write_text(block("pwa=True)"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run(["-m", "uvicorn", "pwa_app:app", "--port", str(port)], f"{base}/app/", cwd=tmp_path)
    manifest = httpx.get(f"{base}/app/manifest.webmanifest").json()
    assert manifest["start_url"] == manifest["scope"] == "/app/"
    assert manifest["name"] == "Greeter"
    assert httpx.get(f"{base}/app/sw.js").headers["content-type"].startswith("text/javascript")
    assert '<link rel="manifest" href="manifest.webmanifest">' in httpx.get(f"{base}/app/").text


def test_embedding_settings_and_snippets(run, tmp_path):
    port = free_port()
    script = block("frame_ancestors=").replace("demo.launch(", f"demo.launch(port={port}, ")
    (tmp_path / "tools.py").write_text(script)
    base = run(["tools.py"], f"http://127.0.0.1:{port}/config", cwd=tmp_path).rsplit("/", 1)[0] + "/"
    blog = {"Origin": "https://blog.example"}
    page = httpx.get(base)
    assert "frame-ancestors 'self' https://blog.example" in page.headers["content-security-policy"]
    for snippet in (block("/embed.js"), block("<iframe src=")):
        for url in re.findall(r'src="([^"]+)"', snippet):
            assert url.startswith(EMBEDDED_AT), url
            answer = httpx.get(base + url[len(EMBEDDED_AT) :], headers=blog)
            assert answer.status_code == 200, url
    script_answer = httpx.get(base + "embed.js", headers=blog)
    assert script_answer.headers["access-control-allow-origin"] == "https://blog.example"
    assert (
        "access-control-allow-origin"
        not in httpx.get(base + "embed.js", headers={"Origin": "https://x.example"}).headers
    )
