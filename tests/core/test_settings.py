"""Settings are validated once, at start-up, with messages that name the fix."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

import mountui


def demo() -> mountui.Blocks:
    with mountui.Blocks() as blocks:
        mountui.Textbox()
    return blocks


def test_misspelt_setting_names_the_likely_one():
    with pytest.raises(
        mountui.ConfigError, match="unknown mountui setting 'max_queue_sise'; did you mean 'max_queue_size'"
    ):
        demo().build_app(max_queue_sise=3)


def test_ill_typed_setting_names_the_setting():
    with pytest.raises(mountui.ConfigError, match="max_body_size"):
        mountui.mount_ui_app(FastAPI(), demo(), path="/ui", max_body_size="big")


def test_mount_path_must_be_a_path():
    with pytest.raises(mountui.ConfigError, match="must start with '/'"):
        mountui.mount_ui_app(FastAPI(), demo(), path="ui")


def test_missing_favicon_is_reported():
    with pytest.raises(mountui.ConfigError, match="favicon_path"):
        demo().build_app(favicon_path="/no/such/icon.png")


def test_import_mountui_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, mountui; heavy = [m for m in ('uvicorn', 'authlib', 'mcp', 'httpx', 'sse_starlette', "
        "'starlette.routing', 'fastapi', 'prometheus_client', 'websockets') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
