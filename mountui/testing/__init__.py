"""Test a mounted UI from pytest as a user would, in-process and without a browser.

    from mountui.testing import UITester

    def test_greets(mountui_ui):               # the pytest fixture; or UITester(app) yourself
        ui = mountui_ui(app, "/ui")
        ui.fill("Name", "Ada")
        ui.click("Greet")
        assert ui.value("Greeting") == "Hello, Ada!"

The tester speaks the public HTTP protocol only (docs/protocol.md) and runs what the page runs: load events,
`change`/`input`/`submit` chains, outputs that fire `change`, partial outputs of generators, State per tab.
"""

from mountui.testing.errors import AmbiguousLabelError, LabelNotFoundError, UITestError
from mountui.testing.page import UIComponent
from mountui.testing.runner import Toast, UIEvent
from mountui.testing.sync import UITester
from mountui.testing.tester import AsyncUITester

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
