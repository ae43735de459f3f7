"""Another site cannot make a signed-in browser call the app, upload, or cancel (SECURITY.md: CSRF)."""

from __future__ import annotations

import pytest

import mountui


@pytest.fixture
def base(live):
    with mountui.Blocks() as demo:
        box, upload = mountui.Textbox(), mountui.File()
        mountui.Button().click(lambda x: x.upper(), box, box, api_name="shout")
        mountui.Button().click(lambda f: "ok", upload, box, api_name="take")
    return live(demo, allowed_origins=["https://partner.example"])


EVIL = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}


def test_a_cross_site_call_is_refused(base, http):
    response = http.post(f"{base}/api/shout", json={"data": ["x"]}, headers=EVIL)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_site"


def test_a_cross_site_upload_is_refused(base, http):
    response = http.post(f"{base}/upload", files={"files": ("a.txt", b"a")}, headers=EVIL)
    assert response.status_code == 403


def test_a_form_cannot_post_a_call_because_calls_are_json(base, http):
    # What an HTML form on another site can send without a preflight: text/plain that parses as JSON.
    response = http.post(
        f"{base}/api/shout", content=b'{"data": ["x"]}', headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_same_origin_scripts_and_plain_clients_pass(base, http):
    same = {"Origin": base, "Sec-Fetch-Site": "same-origin"}
    assert http.post(f"{base}/api/shout", json={"data": ["x"]}, headers=same).json() == {"data": ["X"]}
    assert http.post(f"{base}/api/shout", json={"data": ["y"]}).json() == {"data": ["Y"]}


def test_an_allowed_origin_passes(base, http):
    partner = {"Origin": "https://partner.example", "Sec-Fetch-Site": "cross-site"}
    assert http.post(f"{base}/api/shout", json={"data": ["x"]}, headers=partner).json() == {"data": ["X"]}


def test_tab_session_ids_cannot_be_invented(base, http):
    invented = {"X-MountUI-Session": "AAAAAAAAAAAAAAAAAAAAAA"}
    response = http.post(f"{base}/api/shout", json={"data": ["x"]}, headers=invented)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_session"
    issued = {"X-MountUI-Session": http.get(f"{base}/config").json()["session_id"]}
    assert http.post(f"{base}/api/shout", json={"data": ["x"]}, headers=issued).status_code == 200


def test_apps_without_a_file_input_take_no_uploads(live, http):
    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(lambda x: x, box, box)
    base = live(demo)
    assert http.post(f"{base}/upload", files={"files": ("a.txt", b"a")}).status_code == 404


def test_upload_storage_is_bounded(base, live, http):
    with mountui.Blocks() as demo:
        mountui.Button().click(lambda f: "ok", mountui.File(), mountui.Textbox())
    small = live(demo, max_upload_storage=1000)
    assert http.post(f"{small}/upload", files={"files": ("a.bin", b"x" * 600)}).status_code == 200
    full = http.post(f"{small}/upload", files={"files": ("b.bin", b"x" * 600)})
    assert full.status_code == 507 and full.json()["error"]["code"] == "storage_full"
