"""Test a mounted UI from pytest as a user would, in-process and without a browser.

    def test_greets(mountui_ui):               # the pytest fixture; or mountui.testing.UITester(app)
        ui = mountui_ui(app, "/ui")
        ui.fill("Name", "Ada")
        ui.click("Greet")
        assert ui.value("Greeting") == "Hello, Ada!"

The tester speaks the public HTTP protocol only (docs/protocol.md) and runs what the page runs: load events,
`change`/`input`/`submit` chains, outputs that fire `change`, partial outputs of generators, State per tab.
Names load on first use: pytest imports the plugin (`mountui.testing.plugin`) in every project that
installs mountui, and that must stay cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mountui.testing.errors import AmbiguousLabelError, LabelNotFoundError, UITestError

if TYPE_CHECKING:
    from mountui.testing.page import UIComponent
    from mountui.testing.runner import Toast, UIEvent
    from mountui.testing.sync import UITester
    from mountui.testing.tester import AsyncUITester

_LAZY = {
    "UITester": "mountui.testing.sync",
    "AsyncUITester": "mountui.testing.tester",
    "UIComponent": "mountui.testing.page",
    "UIEvent": "mountui.testing.runner",
    "Toast": "mountui.testing.runner",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mountui.testing' has no attribute {name!r}")


__all__ = [
    "AmbiguousLabelError",
    "AsyncUITester",
    "LabelNotFoundError",
    "Toast",
    "UIComponent",
    "UIEvent",
    "UITestError",
    "UITester",
]
