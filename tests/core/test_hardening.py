"""Defects an outside review found, each through real HTTP: user files never served as a script type, long
non-ASCII upload names, values an output cannot take, nosniff on every response, unexpected errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.sse import stream_call

import mountui


@pytest.fixture
def demo():
    def echo(path: str) -> str:
        return path

    def number_of(kind: str):
        return {"object": object(), "text": "12", "bool": True, "int": 3}[kind]

    def choice_of(kind: str):
        return {"object": object(), "known": "b"}[kind]

    with mountui.Blocks() as blocks:
        upload, text = mountui.File(label="Upload"), mountui.Textbox(label="Text")
        mountui.Button().click(lambda f: f, upload, mountui.File(label="Back"), api_name="back")
        kind = mountui.Textbox(label="Kind")
        mountui.Button().click(number_of, kind, mountui.Number(label="Total"), api_name="number")
        mountui.Button().click(
            choice_of, kind, mountui.Dropdown(["a", "b"], label="Choice"), api_name="choice"
        )
        mountui.Button().click(echo, text, text, api_name="echo")
    return blocks


def upload(http, base, name, content, mime="application/octet-stream"):
    response = http.post(f"{base}/upload", files={"files": (name, content, mime)})
    assert response.status_code == 200, response.text
    return response.json()["files"][0]


# --- 1. user files are served with an inert type, or as opaque bytes ---


@pytest.mark.parametrize(
    ("name", "served"),
    [
        ("x.js", "application/octet-stream"),
        ("x.mjs", "application/octet-stream"),
        ("page.html", "application/octet-stream"),
        ("drawing.svg", "application/octet-stream"),
        ("feed.xml", "application/octet-stream"),
        ("style.css", "application/octet-stream"),
        ("photo.png", "image/png"),
        ("sound.wav", "audio/x-wav"),
        ("clip.mp4", "video/mp4"),
        ("paper.pdf", "application/pdf"),
        ("notes.txt", "text/plain; charset=utf-8"),
        ("data.json", "application/json"),
    ],
)
def test_user_files_are_served_only_with_inert_types(live, http, demo, name, served):
    base = live(demo)
    info = upload(http, base, name, b"alert(1)", "text/javascript")
    response = http.get(base + info["url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == served
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("attachment")


def test_a_file_a_function_returns_is_served_the_same_way(live, http, demo):
    base = live(demo)
    info = upload(http, base, "evil.js", b"alert(1)")
    back = http.post(f"{base}/api/back", json={"data": [{"id": info["id"]}]}).json()["data"][0]
    assert http.get(base + back["url"]).headers["content-type"] == "application/octet-stream"


# --- 2. long names in any script ---


@pytest.mark.parametrize(
    "name",
    [
        "日本語のファイル名" * 10 + ".txt",  # 90 characters, 270 bytes
        "e" + "\u0301" * 150 + ".txt",  # combining marks: 2 bytes each
        "x" * 400 + ".txt",
    ],
)
def test_long_non_ascii_upload_names_are_cut_by_bytes(live, http, demo, name):
    base = live(demo)
    info = upload(http, base, name, b"contents")
    assert info["name"].endswith(".txt")
    assert len(info["name"].encode("utf-8")) <= 200
    assert name.startswith(info["name"][:-4])  # a prefix of the original, cut on a character boundary
    assert http.get(base + info["url"]).content == b"contents"


def test_a_failed_upload_keeps_nothing_and_the_server_keeps_serving(live_app, http, demo, monkeypatch):
    base, app = live_app(demo)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("shutil.copyfileobj", disk_full)
    files = [("files", ("a.txt", b"a")), ("files", ("b.txt", b"b"))]
    response = http.post(f"{base}/upload", files=files)
    assert response.status_code == 507
    assert response.json()["error"]["code"] == "storage_full"
    assert app.files.total_size == 0
    assert list(app.files.root.iterdir()) == []  # no folder left behind
    monkeypatch.undo()
    assert upload(http, base, "a.txt", b"fine")["size"] == 4


# --- 3. a value an output cannot take ---


@pytest.mark.parametrize("kind", ["object", "text", "bool"])
def test_a_value_a_number_cannot_take_is_a_json_error(live, http, demo, kind, caplog):
    base = live(demo)
    response = http.post(f"{base}/api/number", json={"data": [kind]})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "internal_error"
    assert "output 'Total' (Number)" in caplog.text and "expected a number" in caplog.text


def test_show_error_names_the_output_and_the_expected_type(live, http, demo):
    base = live(demo, show_error=True)
    error = http.post(f"{base}/api/number", json={"data": ["object"]}).json()["error"]
    assert "output 'Total' (Number)" in error["message"]
    assert "expected a number (int or float), got object" in error["message"]
    assert http.post(f"{base}/api/number", json={"data": ["int"]}).json() == {"data": [3]}


def test_a_value_that_is_not_json_ends_a_stream_with_an_error_event(live, http, demo):
    base = live(demo, show_error=True)
    events = stream_call(http, f"{base}/api/choice", ["object"])
    assert [e["event"] for e in events] == ["started", "error"]
    assert events[-1]["data"]["code"] == "internal_error"
    assert "output 'Choice' (Dropdown)" in events[-1]["data"]["message"]
    assert http.post(f"{base}/api/choice", json={"data": ["known"]}).json() == {"data": ["b"]}


def test_an_unexpected_error_is_json_for_the_api_and_a_page_for_browsers(live_app, http, demo):
    base, app = live_app(demo)

    async def broken(request):
        raise RuntimeError("a bug in the server")

    app.config_for = broken
    api = http.get(f"{base}/config")
    assert api.status_code == 500
    assert api.json() == {
        "error": {
            "code": "internal_error",
            "message": "the app hit an error while answering (details are in the server log)",
        }
    }
    page = http.get(f"{base}/", headers={"Accept": "text/html"})
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in page.text and "a bug" not in page.text
    assert http.get(f"{base}/healthz").status_code == 200


# --- 4. nosniff everywhere ---


def test_every_response_says_nosniff(live, http, demo):
    base = live(demo)
    responses = [
        http.get(f"{base}/config"),
        http.get(f"{base}/openapi.json"),
        http.post(f"{base}/api/echo", json={"data": ["hi"]}),
        http.post(f"{base}/api/echo", json={"data": [1]}),  # a JSON error
        http.post(f"{base}/api/nothing", json={"data": []}),  # 404
        http.get(f"{base}/healthz"),
        http.get(f"{base}/"),
    ]
    for response in responses:
        assert response.headers.get("x-content-type-options") == "nosniff", response.url
        assert response.headers.get("referrer-policy") == "strict-origin-when-cross-origin", response.url
        assert len(response.headers.get_list("x-content-type-options")) == 1


def test_the_401_says_nosniff(live, http, demo):
    base = live(demo, auth=[("ann", "pw")], secret_key="k7R2x" * 8)
    response = http.get(f"{base}/config")
    assert response.status_code == 401
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_new_file_written_beside_an_upload_is_served_as_itself(live, http):
    def annotate(path: str) -> str:
        target = Path(path).with_name("annotated.txt")
        target.write_text(Path(path).read_text() + " (annotated)")
        return str(target)

    with mountui.Blocks() as demo:
        source, result = mountui.File(label="Source"), mountui.File(label="Result")
        mountui.Button().click(annotate, source, result, api_name="annotate")
        mountui.Button().click(lambda path: path, source, result, api_name="same")
    base = live(demo)
    info = upload(http, base, "notes.txt", b"original")
    annotated = http.post(f"{base}/api/annotate", json={"data": [{"id": info["id"]}]}).json()["data"][0]
    assert annotated["name"] == "annotated.txt" and annotated["id"] != info["id"]
    assert http.get(base + annotated["url"]).content == b"original (annotated)"
    same = http.post(f"{base}/api/same", json={"data": [{"id": info["id"]}]}).json()["data"][0]
    assert same["id"] == info["id"]  # the upload itself, passed straight through
