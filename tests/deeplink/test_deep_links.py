"""Deep links over HTTP: what a link keeps and leaves out, its limits, its files, and several workers."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from deeplink_helpers import SECRET, chat_demo

import mountui
from mountui.server.files import FileStore


def _ids(base: str, client: httpx.Client | None = None) -> dict[str, int]:
    config = (client or httpx).get(base + "/config").json()
    return {c["props"].get("label"): c["id"] for c in config["components"] if "value" in c}


def _values(base: str, link: str, client: httpx.Client | None = None) -> dict[str, object]:
    config = (client or httpx).get(f"{base}/config?deep_link={link}").json()
    return {c["props"].get("label"): c.get("value") for c in config["components"] if "value" in c}


def test_secrets_and_state_stay_out_of_a_link(serve: Callable[..., str]) -> None:
    base = serve(chat_demo().build_app())
    ids = _ids(base)
    sent = {str(ids["Name"]): "Ada", str(ids["API key"]): "sk-secret", str(ids["Seen on load"]): "x"}
    answer = httpx.post(base + "/deep_link", json={"values": sent})
    assert answer.status_code == 200
    link = answer.json()["id"]
    assert _values(base, link) | {"Chat": None} == {
        "Chat": None,
        "Message": "",
        "Name": "Ada",
        "API key": "",  # deep_link=False: what the page sent was dropped
        "Seen on load": "",
        None: "Share via link",  # the button
    }
    assert httpx.get(f"{base}/config?deep_link={link}").json()["deep_link"] == {
        "id": link,
        "restored": [ids["Name"]],
    }


def test_a_snapshot_over_the_size_limit_is_refused(serve: Callable[..., str]) -> None:
    base = serve(chat_demo().build_app(deep_link_max_size=2000))
    ids = _ids(base)
    history = [{"role": "user", "content": "x" * 100}] * 30
    answer = httpx.post(base + "/deep_link", json={"values": {str(ids["Chat"]): history}})
    assert answer.status_code == 413
    assert "deep_link_max_size" in answer.json()["error"]["message"]


def _user(request: object) -> str | None:
    return request.headers.get("x-user")  # type: ignore[attr-defined]


def _files_demo() -> mountui.Blocks:
    with mountui.Blocks() as demo:
        upload = mountui.File(label="Upload")
        size = mountui.Textbox(label="Size")
        mountui.Button("Size").click(lambda p: str(Path(p).stat().st_size), upload, size, api_name="size")
        mountui.DeepLinkButton()
    return demo


def test_only_the_callers_files_go_into_a_link_and_a_viewer_may_share_them_again(
    serve: Callable[..., str],
) -> None:
    base = serve(_files_demo().build_app(auth_dependency=_user))
    alice, bob = httpx.Client(headers={"x-user": "alice"}), httpx.Client(headers={"x-user": "bob"})
    upload_id = _ids(base, alice)["Upload"]
    [mine] = alice.post(base + "/upload", files={"files": ("a.txt", b"alice's")}).json()["files"]

    stolen = bob.post(base + "/deep_link", json={"values": {str(upload_id): mine}})
    assert stolen.status_code == 403  # bob cannot put alice's file into a link

    link = alice.post(base + "/deep_link", json={"values": {str(upload_id): mine}}).json()["id"]
    shown = _values(base, link, bob)["Upload"]
    assert isinstance(shown, dict) and shown["id"] != mine["id"] and shown["name"] == "a.txt"
    assert bob.get(base + shown["url"]).content == b"alice's"
    assert bob.get(f"{base}/file/{shown['id']}").status_code == 403  # not without the link

    # Bob, on the page the link opened, uses the file in a call, and shares it on: the new link keeps its own copy.
    assert bob.post(base + "/api/size", json={"data": [shown]}).json() == {"data": ["7"]}
    assert bob.post(base + "/api/size", json={"data": [{"id": shown["id"]}]}).status_code == 403  # no link
    again = bob.post(base + "/deep_link", json={"values": {str(upload_id): shown}})
    assert again.status_code == 200
    shown_again = _values(base, again.json()["id"], alice)["Upload"]
    assert alice.get(base + shown_again["url"]).content == b"alice's"


def test_a_link_made_on_one_worker_opens_on_another(
    serve: Callable[..., str], redis_server: str, tmp_path: Path
) -> None:
    settings = dict(store=redis_server, secret_key=SECRET, file_dir=tmp_path)
    first = serve(_files_demo().build_app(**settings))
    second = serve(_files_demo().build_app(**settings))
    upload_id = _ids(first)["Upload"]
    [file] = httpx.post(first + "/upload", files={"files": ("n.txt", b"notes")}).json()["files"]
    link = httpx.post(first + "/deep_link", json={"values": {str(upload_id): file}}).json()["id"]
    shown = _values(second, link)["Upload"]
    assert isinstance(shown, dict)
    assert httpx.get(second + shown["url"]).content == b"notes"


def test_a_forged_markdown_value_is_sanitized_by_the_server(serve: Callable[..., str]) -> None:
    with mountui.Blocks() as demo:
        notes = mountui.Markdown("*hello*")
        mountui.DeepLinkButton()
    base = serve(demo.build_app())
    evil = '<p onclick="steal()">ok <img src="x" onerror="steal()"><script>steal()</script><a href="javascript:steal()">a</a></p>'
    link = httpx.post(base + "/deep_link", json={"values": {str(notes.id): evil}}).json()["id"]
    config = httpx.get(f"{base}/config?deep_link={link}").json()
    [shown] = [c["value"] for c in config["components"] if c["id"] == notes.id]
    assert "steal" not in shown and "<script" not in shown
    assert shown.startswith("<p>ok <img")  # what Markdown may show stays


def test_a_links_files_outlive_file_ttl_and_survive_the_start_up_sweep(
    serve: Callable[..., str], tmp_path: Path
) -> None:
    settings = dict(file_dir=tmp_path, file_ttl=60, deep_link_ttl=3600)
    base = serve(_files_demo().build_app(**settings))
    upload_id = _ids(base)["Upload"]
    [file] = httpx.post(base + "/upload", files={"files": ("n.txt", b"notes")}).json()["files"]
    link = httpx.post(base + "/deep_link", json={"values": {str(upload_id): file}}).json()["id"]
    shown = _values(base, link)["Upload"]
    assert isinstance(shown, dict)
    # Another worker starting on the same directory 10 minutes later sweeps what expired, not the link's file.
    ten_minutes_ago = time.time() - 600
    os.utime(tmp_path / file["id"], (ten_minutes_ago, ten_minutes_ago))
    FileStore(60, directory=tmp_path).root
    assert not (tmp_path / file["id"]).exists()
    assert (tmp_path / shown["id"]).is_dir()
    assert httpx.get(base + shown["url"]).content == b"notes"
