"""Files by opaque server-issued ids only: uploads, outputs, and attempts to name a path."""

from __future__ import annotations

import pytest

import mountui


@pytest.fixture
def demo(tmp_path):
    def shout(path: str) -> str:
        with open(path) as f:
            return f.read().upper()

    def make_report(text: str) -> str:
        target = tmp_path / "report.txt"
        target.write_text(f"report: {text}")
        return str(target)

    def echo_path(text: str) -> str:
        return text  # an app bug: client text used as a file path

    with mountui.Blocks() as blocks:
        upload, text, out_file = mountui.File(label="Upload"), mountui.Textbox(), mountui.File()
        mountui.Button().click(shout, upload, text)
        mountui.Button().click(make_report, text, out_file)
        mountui.Button().click(echo_path, text, out_file)
        as_bytes = mountui.File(type="bytes")
        mountui.Button().click(lambda b: str(len(b)), as_bytes, text, api_name="size")
    return blocks


def upload(http, base, name="notes.txt", content=b"hello files"):
    response = http.post(f"{base}/upload", files={"files": (name, content, "text/plain")})
    assert response.status_code == 200, response.text
    return response.json()["files"][0]


def test_upload_then_use_by_id(live, http, demo):
    base = live(demo)
    info = upload(http, base)
    assert info["name"] == "notes.txt" and info["size"] == 11 and info["mime_type"] == "text/plain"
    assert info["url"] == f"/file/{info['id']}"
    assert len(info["id"]) >= 22  # 128+ bits
    assert http.post(f"{base}/api/shout", json={"data": [{"id": info["id"]}]}).json() == {
        "data": ["HELLO FILES"]
    }
    assert http.post(f"{base}/api/size", json={"data": [{"id": info["id"]}]}).json() == {"data": ["11"]}


def test_several_files_in_one_upload(live, http, demo):
    base = live(demo)
    files = [("files", ("a.txt", b"a")), ("files", ("b.txt", b"bb"))]
    answer = http.post(f"{base}/upload", files=files).json()
    assert [(f["name"], f["size"]) for f in answer["files"]] == [("a.txt", 1), ("b.txt", 2)]


def test_a_returned_file_downloads_as_an_attachment(live, http, demo):
    base = live(demo)
    value = http.post(f"{base}/api/make_report", json={"data": ["q3"]}).json()["data"][0]
    assert value["name"] == "report.txt" and value["url"] == f"/file/{value['id']}"
    download = http.get(base + value["url"])
    assert download.text == "report: q3"
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in download.headers["content-security-policy"]


def test_file_urls_carry_the_mount_path(serve, http, demo):
    from fastapi import FastAPI

    base = serve(mountui.mount_ui_app(FastAPI(), demo, path="/a/b"))
    info = http.post(f"{base}/a/b/upload", files={"files": ("x.txt", b"x")}).json()["files"][0]
    assert info["url"] == f"/a/b/file/{info['id']}"
    assert http.get(base + info["url"]).text == "x"


@pytest.mark.parametrize(
    "file_id",
    [
        "../../../etc/passwd",
        "/etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "C:\\Windows\\win.ini",
    ],
)
def test_paths_never_reach_the_disk(live, http, demo, file_id):
    base = live(demo)
    response = http.get(f"{base}/file/{file_id}")
    assert response.status_code == 404
    assert "root:" not in response.text
    as_input = http.post(f"{base}/api/shout", json={"data": [{"id": file_id}]})
    assert as_input.status_code in (400, 404) and "root:" not in as_input.text
    as_path = http.post(f"{base}/api/shout", json={"data": [file_id]})
    assert as_path.status_code == 400  # a file input is an object with an id, never a path


def test_a_function_echoing_a_path_cannot_serve_system_files(live, http, demo):
    base = live(demo)
    response = http.post(f"{base}/api/echo_path", json={"data": ["/etc/passwd"]})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "root:" not in response.text


def test_unknown_file_id_is_404(live, http, demo):
    base = live(demo)
    assert http.get(f"{base}/file/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status_code == 404


def test_file_over_the_limit_is_413_and_nothing_is_kept(live, http, demo):
    base = live(demo, max_file_size=1000)
    response = http.post(f"{base}/upload", files={"files": ("big.bin", b"x" * 5000)})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert upload(http, base, content=b"small")["size"] == 5


def test_upload_without_files_field(live, http, demo):
    base = live(demo)
    response = http.post(f"{base}/upload", files={"other": ("a.txt", b"a")})
    assert response.status_code == 400
    assert "files" in response.json()["error"]["message"]


def test_temporary_files_are_removed_at_shutdown(http, demo):
    from support.server import BackgroundServer

    app = demo.build_app()
    server = BackgroundServer(app)
    base = server.start()
    upload(http, base)
    root = app.files.root
    assert any(root.iterdir())
    server.stop()
    assert not root.exists()


def test_file_outputs_are_served_only_from_allowed_folders(live, http, tmp_path):
    here = tmp_path / "project"
    (here / ".secrets").mkdir(parents=True)
    (here / ".secrets" / "key.txt").write_text("hidden")
    (here / "public.txt").write_text("public")
    (here / ".env").write_text("DATABASE_PASSWORD=x")
    with mountui.Blocks() as blocks:
        text, out = mountui.Textbox(), mountui.File()
        mountui.Button().click(lambda p: str(here / p), text, out, api_name="serve")
    # The project folder lies in the temporary directory here; allow it explicitly, as a user would.
    base = live(blocks, allowed_paths=[here])
    assert http.post(f"{base}/api/serve", json={"data": ["public.txt"]}).status_code == 200
    for hidden in (".env", ".secrets/key.txt"):
        refused = http.post(f"{base}/api/serve", json={"data": [hidden]})
        assert refused.status_code == 500 and "DATABASE" not in refused.text


def test_the_working_directory_is_not_served_by_default(monkeypatch, tmp_path):
    import tempfile
    from pathlib import Path

    from mountui.server.files import FileStore

    project = Path(__file__).resolve().parents[2]  # the source tree, as an app's working directory
    monkeypatch.chdir(project)
    # Wherever this checkout lies (CI may clone into the temporary directory), the system's temporary
    # directory is elsewhere for this test.
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "system-tmp"))
    with pytest.raises(ValueError, match="allowed_paths"):
        FileStore(ttl=60).add_output(str(project / "pyproject.toml"), owner=None)
