"""Driving one UI in Chromium and in UITester with the same actions, for the runner parity test.

An action is a tuple: ("fill", label, value), ("submit", label), ("click", label), ("select", label, choice),
("check", label), ("upload", label, path), ("chat", message), and two that only a browser needs, because
UITester does not model what is folded away: ("tab", name) and ("open", accordion label). The label is
resolved once, by UITester; the browser then acts on that component (found by its id) as a user does.
"""

from __future__ import annotations

import importlib.util
import itertools
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from playwright.sync_api import Page

from mountui.testing import UITester
from mountui.testing.values import js_json

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_fresh = itertools.count()

# Every component element of the page (they have `cid` and `getValue`), tagged so that locators find it.
TAG_AND_READ = """() => {
  const values = {};
  for (const el of document.querySelectorAll("*")) {
    if (el.cid == null || typeof el.getValue !== "function") continue;
    el.setAttribute("data-parity-cid", String(el.cid));
    values[el.cid] = el.getValue();
  }
  return values;
}"""
TOASTS = "() => [...document.querySelectorAll('.mu-toast p')].map((p) => p.textContent)"


def load_example(stem: str) -> ModuleType:
    """A fresh copy of examples/<stem>.py (its own Blocks and app), so two copies can run side by side."""
    spec = importlib.util.spec_from_file_location(f"parity_{stem}_{next(_fresh)}", EXAMPLES / f"{stem}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def comparable(values: dict[Any, Any]) -> dict[str, str]:
    """Values by component id as JSON text; files by name, size and type (each side uploads its own)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict) and "id" in value and "size" in value:
            return {k: value.get(k) for k in ("name", "size", "mime_type")}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return {str(k): js_json(plain(v)) for k, v in values.items()}


def uitester_values(ui: UITester) -> dict[str, str]:
    return comparable({c.id: c.value for c in ui.components})


def browser_values(page: Page) -> dict[str, str]:
    return comparable(page.evaluate(TAG_AND_READ))


def browser_toasts(page: Page) -> list[str]:
    return page.evaluate(TOASTS)


def act_in_tester(ui: UITester, action: tuple[Any, ...]) -> None:
    kind, *args = action
    if kind in ("tab", "open"):
        return
    if kind == "upload":
        ui.upload(args[0], args[1])
    else:
        getattr(ui, kind)(*args)


def act_in_browser(page: Page, ui: UITester, action: tuple[Any, ...]) -> None:
    kind, *args = action
    if kind == "tab":
        page.get_by_role("tab", name=args[0]).click()
        return
    if kind == "open":
        page.locator("summary", has_text=args[0]).click()
        return
    if kind == "chat":
        box = page.get_by_placeholder("Type a message and press Enter")
        box.fill(args[0])
        box.press("Enter")
        return
    element = page.locator(f'[data-parity-cid="{ui.component(args[0]).id}"]')
    if kind == "click":
        element.locator("button, a").first.click()
    elif kind == "fill":
        control = element.locator("input[type=number], input, textarea").first
        control.fill(str(args[1]))
        if ui.component(args[0]).type == "Slider":
            control.press("Tab")  # the number box commits its value on blur
    elif kind == "submit":
        element.locator("input, textarea").first.press("Enter")
    elif kind == "select":
        if ui.component(args[0]).type == "Radio":
            element.get_by_role("radio", name=args[1], exact=True).check()
        else:
            element.locator("select").select_option(label=args[1])
    elif kind == "check":
        element.locator("input[type=checkbox]").check()
    elif kind == "upload":
        element.locator("input[type=file]").set_input_files(str(args[1]))
    else:
        raise ValueError(f"unknown action {action!r}")


def wait_until_same(page: Page, expected: dict[str, str], timeout: float = 15.0) -> dict[str, str]:
    """The browser's values once they equal `expected` (the page runs its events in the background), or
    what they are when `timeout` runs out.
    """
    deadline = time.monotonic() + timeout
    while True:
        seen = browser_values(page)
        if seen == expected or time.monotonic() > deadline:
            return seen
        page.wait_for_timeout(50)
