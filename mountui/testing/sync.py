"""`UITester`: the blocking twin of `AsyncUITester`, for plain pytest tests. The app and the tester run on
an event loop in a background thread (an anyio blocking portal); each method waits for its action there.
"""

from __future__ import annotations

import contextlib
from typing import Any

from anyio.from_thread import BlockingPortal, start_blocking_portal

from mountui.testing.page import UIComponent
from mountui.testing.runner import Toast, UIEvent
from mountui.testing.tester import AsyncUITester, FileSource


class UITester:
    """A user on one tab of a mounted UI, in a plain (sync) test.

        ui = UITester(app, "/ui")              # or the `mountui_ui` fixture, which closes it for you
        ui.fill("Name", "Ada")
        ui.click("Greet")
        assert ui.value("Greeting") == "Hello, Ada!"
        ui.close()

    Arguments are those of `AsyncUITester`: the host app (its lifespan runs), a Blocks, or a live URL;
    `path`, `auth=(username, password)`, `headers`, `timeout`. Each action returns the events it caused.
    """

    def __init__(
        self,
        app: Any,
        path: str | None = None,
        *,
        auth: tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._stack = contextlib.ExitStack()
        self._portal: BlockingPortal = self._stack.enter_context(start_blocking_portal())
        try:
            tester = AsyncUITester(app, path, auth=auth, headers=headers, timeout=timeout)
            self._ui: AsyncUITester = self._portal.call(tester.open)
        except BaseException:
            self._stack.close()
            raise

    @classmethod
    def _tab(cls, portal: BlockingPortal, ui: AsyncUITester) -> UITester:
        tab = cls.__new__(cls)
        tab._stack, tab._portal, tab._ui = contextlib.ExitStack(), portal, ui
        return tab

    def open_tab(self) -> UITester:
        """Another tab of the same browser (same cookies and sign-in, its own State); close it or not."""
        return UITester._tab(self._portal, self._portal.call(self._ui.open_tab))

    def reload(self) -> list[UIEvent]:
        """Open the page afresh: a new tab id (State starts over), `load` events run again."""
        return self._portal.call(self._ui.reload)

    def close(self) -> None:
        """Close the tab; the tester that started the app also stops it (its lifespan shutdown)."""
        try:
            self._portal.call(self._ui.close)
        finally:
            self._stack.close()

    def __enter__(self) -> UITester:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading ---
    @property
    def events(self) -> list[UIEvent]:
        """Every event the page's calls sent so far: queued, started, progress, output, complete, error."""
        return self._ui.events

    @property
    def error(self) -> str | None:
        """The error toast the last action showed (the last one if several), or None."""
        return self._ui.error

    @property
    def toasts(self) -> list[Toast]:
        """Every error toast shown so far."""
        return self._ui.toasts

    @property
    def config(self) -> dict[str, Any]:
        return self._ui.config

    @property
    def title(self) -> str:
        return self._ui.title

    @property
    def username(self) -> str | None:
        return self._ui.username

    @property
    def components(self) -> list[UIComponent]:
        return self._ui.components

    def component(self, label: str) -> UIComponent:
        return self._ui.component(label)

    def value(self, label: str) -> Any:
        """The value of the component labelled `label` (or `#elem_id`), in wire form."""
        return self._ui.value(label)

    def text(self, label: str) -> str:
        """The component's value as text (Markdown without its tags)."""
        return self._ui.text(label)

    # --- acting ---
    def fill(self, label: str, value: Any) -> list[UIEvent]:
        """Type into a Textbox, Number or Slider: `input` and `change` fire."""
        return self._portal.call(self._ui.fill, label, value)

    def submit(self, label: str) -> list[UIEvent]:
        """Press Enter in a Textbox or Number: `submit` fires."""
        return self._portal.call(self._ui.submit, label)

    def click(self, label: str) -> list[UIEvent]:
        return self._portal.call(self._ui.click, label)

    def select(self, label: str, choice: Any) -> list[UIEvent]:
        """Choose in a Dropdown or Radio, by the choice's label or value."""
        return self._portal.call(self._ui.select, label, choice)

    def deselect(self, label: str, choice: Any) -> list[UIEvent]:
        return self._portal.call(self._ui.deselect, label, choice)

    def check(self, label: str, checked: bool = True) -> list[UIEvent]:
        return self._portal.call(self._ui.check, label, checked)

    def uncheck(self, label: str) -> list[UIEvent]:
        return self._portal.call(self._ui.uncheck, label)

    def upload(self, label: str, *files: FileSource) -> list[UIEvent]:
        """Upload local paths, or `(name, bytes)`, to a File, Image or Audio."""
        return self._portal.call(self._ui.upload, label, *files)

    def clear(self, label: str) -> list[UIEvent]:
        return self._portal.call(self._ui.clear, label)

    def chat(self, message: str, label: str | None = None) -> str | None:
        """Send a chat message (a ChatInterface's input unless `label` says which); the reply shown."""
        return self._portal.call(self._ui.chat, message, label)

    def use_example(self, row: int | str, block: int = 0) -> list[UIEvent]:
        return self._portal.call(self._ui.use_example, row, block)

    def __repr__(self) -> str:
        return f"<mountui.testing.UITester {self._ui._connection.base}>"
