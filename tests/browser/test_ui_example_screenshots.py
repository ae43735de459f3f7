"""Open every example app (examples/*.py) in both themes and on a phone, and keep screenshots under
tests/artifacts/examples/ for a person to look at.

An example exposes its Blocks as `demo` and, when it mounts UIs into a host, the host as `app`; then each
mounted UI is opened at its path.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from starlette.routing import Mount

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))
ARTIFACTS = ROOT / "tests" / "artifacts" / "examples"


def load_example(path: Path) -> tuple[Any, list[str]]:
    """The ASGI app to serve and the page paths of its UIs."""
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    host = getattr(module, "app", None)
    if host is not None and hasattr(host, "router"):
        mounts = [route.path for route in host.router.routes if isinstance(route, Mount)]
        if mounts:
            return host, [f"{mount}/" for mount in mounts]
    return module.demo.build_app(), ["/"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_renders(path: Path, serve, page: Page) -> None:
    app, pages = load_example(path)
    base = serve(app)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for ui_path in pages:
        name = path.stem + ui_path.rstrip("/").replace("/", "_")
        for theme in ("light", "dark"):
            page.set_viewport_size({"width": 1200, "height": 800})
            page.goto(f"{base}{ui_path}?__theme={theme}")
            expect(page.locator(".mu-main")).to_be_visible()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / f"{name}-{theme}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}{ui_path}")
        expect(page.locator(".mu-main")).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, (
            "no horizontal scrolling on a phone"
        )
