"""Without a proxy: the app's URLs follow its mount path and uvicorn's --root-path, at /, /ui and /a/b."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import httpx
import pytest
from fastapi import FastAPI
from proxy_helpers import make_demo

import mountui


@pytest.mark.parametrize("mount", ["/", "/ui", "/a/b"])
def test_the_page_assets_and_file_urls_follow_the_mount_path(serve, mount):
    host = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    mountui.mount_ui_app(host, make_demo(), mount)
    base = serve(host) + mount.rstrip("/")

    with httpx.Client(timeout=20) as client:
        page = client.get(f"{base}/")
        assets = re.findall(r'(?:href|src)="([^"]+)"', page.text)
        asset_status = {url: client.get(urljoin(f"{base}/", url)).status_code for url in assets}
        where = client.post(f"{base}/api/where", json={"data": []}).json()["data"][0]
        report = client.post(f"{base}/api/report", json={"data": ["Ada"]}).json()["data"][0]
        download = client.get(urljoin(base, report["url"]))

    assert page.status_code == 200
    assert any(url.startswith("static/") for url in assets)
    assert set(asset_status.values()) == {200}, asset_status
    assert where["base_path"] == mount.rstrip("/")
    assert where["redirect_uri"] == f"{base}/oauth/callback"
    assert report["url"].startswith(f"{mount.rstrip('/')}/file/")
    assert download.text == "Report for Ada\n"


@pytest.mark.parametrize("mount", ["/", "/ui", "/a/b"])
def test_uvicorn_root_path_comes_before_the_mount_path(serve, mount):
    host = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    mountui.mount_ui_app(host, make_demo(), mount)
    base = serve(host, root_path="/apps/demo")

    # A proxy in front would have stripped /apps/demo; uvicorn adds it back for the app to see.
    response = httpx.post(f"{base}{mount.rstrip('/')}/api/where", json={"data": []}, timeout=20)

    [where] = response.json()["data"]
    assert where["base_path"] == "/apps/demo" + mount.rstrip("/")
    assert where["redirect_uri"] == f"{base}/apps/demo{mount.rstrip('/')}/oauth/callback"


def test_two_uis_in_one_host_each_know_their_own_path(serve):
    host = FastAPI()
    mountui.mount_ui_app(host, make_demo(), "/one")
    mountui.mount_ui_app(host, make_demo(), "/two/deep")
    base = serve(host)

    paths = [
        httpx.post(f"{base}{path}/api/where", json={"data": []}, timeout=20).json()["data"][0]["base_path"]
        for path in ("/one", "/two/deep")
    ]

    assert paths == ["/one", "/two/deep"]
