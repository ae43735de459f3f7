"""UITester and the page's event runner (frontend/src/runner.js) cannot drift apart: the same actions on the
same example leave every component with the same value in Chromium and in UITester, and both know the same
trigger events."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from testing_parity_driver import (
    act_in_browser,
    act_in_tester,
    browser_toasts,
    browser_values,
    load_example,
    uitester_values,
    wait_until_same,
)

from mountui.testing import UITester
from mountui.testing.values import EVENTS

FRONTEND = Path(__file__).resolve().parents[2] / "frontend" / "src"

POEM = ("poem.txt", "so much depends upon a red wheel barrow")
SCRIPTS = {
    "blocks_layout": [
        ("fill", "Name", "Ada"),
        ("fill", "Age", 36),
        ("select", "Favourite colour", "red"),
        ("select", "Likes", "tea"),
        ("select", "Likes", "cake"),
        ("check", "Member"),
        ("click", "Describe"),
        ("tab", "Notes"),
        ("fill", "Note", "first"),
        ("submit", "Note"),
        ("fill", "Note", "second"),
        ("submit", "Note"),
        ("tab", "Files"),
        ("upload", "A text file", POEM),
    ],
    "fastapi_mount": [
        ("click", "Greet"),  # an empty name: the app's error toast
        ("fill", "Name", "Ada"),
        ("fill", "Enthusiasm", 3),
        ("click", "Greet"),
        ("fill", "Name", "Grace"),
        ("submit", "Name"),
        ("open", "Streaming"),
        ("fill", "Count to", 3),
        ("click", "Count"),
    ],
    "chat": [("chat", "hi"), ("chat", "again")],
}


@pytest.mark.parametrize("example", sorted(SCRIPTS))
def test_the_same_actions_leave_the_same_values_in_chromium_and_in_uitester(
    example, serve, page: Page, tmp_path
):
    in_browser, in_tester = load_example(example), load_example(example)
    host = getattr(in_browser, "app", None)
    path = "/ui" if host is not None else "/"
    page.goto(serve(host if host is not None else in_browser.demo.build_app()) + path.rstrip("/") + "/")
    expect(page.locator(".mu-main")).to_be_visible()
    with UITester(getattr(in_tester, "app", None) or in_tester.demo, path) as ui:
        assert wait_until_same(page, uitester_values(ui)) == uitester_values(ui), "after the load events"
        for action in SCRIPTS[example]:
            if action[0] == "upload":
                name, text = action[2]
                (tmp_path / name).write_text(text)
                action = (*action[:2], tmp_path / name)
            act_in_tester(ui, action)
            act_in_browser(page, ui, action)
            expected = uitester_values(ui)
            assert wait_until_same(page, expected) == expected, f"after {action}"
            if ui.error is not None:
                expect(page.locator(".mu-toast p").last).to_have_text(ui.error)
        assert browser_toasts(page) == [t.message for t in ui.toasts]
        assert browser_values(page) == uitester_values(ui)


def _js(path: Path) -> str:
    return path.read_text()


def _fired_by(module: Path) -> tuple[set[str], str | None, Path | None]:
    """The events a component module fires itself, the class it extends and that class's module."""
    source = _js(module)
    fired = set(re.findall(r"fire\(\"(\w+)\"\)", source))
    if "userChanged()" in source:
        fired |= {"input", "change"}
    parent = re.search(r"extends (\w+)", source)
    if parent is None:
        return fired, None, None
    imported = re.search(rf"import (?:{{ )?{parent.group(1)}(?: }})? from \"([^\"]+)\"", source)
    where = (module.parent / imported.group(1)).resolve() if imported else None
    return fired, parent.group(1), where


def test_uitester_knows_the_trigger_events_each_component_fires_in_the_page():
    base = (FRONTEND / "components" / "_shared" / "base.js").resolve()
    from_page: dict[str, set[str]] = {}
    for module in sorted((FRONTEND / "components").glob("*.js")):
        events: set[str] = set()
        current: Path | None = module
        while current is not None:
            fired, parent, current = _fired_by(current)
            events |= fired
            if current == base:
                if parent == "Component":
                    base_fired, _, _ = _fired_by(base)
                    assert base_fired >= {"change"}  # Component.update: an output changed the value
                    from_page[module.stem] = events | {"change"}
                break
    assert from_page == {kind: set(events) for kind, events in EVENTS.items()}


def test_the_page_runs_load_events_and_applies_outputs_as_uitester_does():
    app = _js(FRONTEND / "app.js")
    runner = _js(FRONTEND / "runner.js")
    assert 'this.listeners.get("null:load")' in app  # UITester fires (None, "load") on open
    assert "if (seen.get(id) === text) return;" in app  # a streamed value applied once per call
    assert 'event === "output" || event === "complete"' in runner
    assert "if (state.again) this.run(dep, sourceId, keep);" in runner  # one more run with the newest inputs
