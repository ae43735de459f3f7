"""`AsyncUITester`: one browser tab on a mounted UI, driven by label from asyncio tests.

Each action does what a user's does on the page (the events the page fires, the requests it sends) and
returns once every dependency it set off, chains included, has finished; `UITester` is its blocking twin.
"""

from __future__ import annotations

import inspect
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from mountui.testing.connection import CallFailed, Connection, read_upload
from mountui.testing.errors import UITestError
from mountui.testing.page import PageModel, UIComponent
from mountui.testing.runner import EventRunner, Toast, UIEvent
from mountui.testing.values import BUTTONS, FILE_TYPES, choice_pairs, js_string

FILLABLE = frozenset({"Textbox", "Number", "Slider"})
SUBMITTABLE = frozenset({"Textbox", "Number"})
CHOOSABLE = frozenset({"Dropdown", "Radio"})
FileSource = str | Path | tuple[str, bytes]


class AsyncUITester:
    """A user on one tab of a mounted UI: `async with AsyncUITester(app, "/ui") as ui: await ui.click("Go")`.

    `app` is the host ASGI app (its lifespan is run), a `Blocks` (served alone at "/"), or the URL of a
    running server. `path` is where the UI is mounted ("/ui" unless `app` is a Blocks). `auth=(username,
    password)` signs in through the login form; `headers` go with every request (for `auth_dependency`).
    `timeout` bounds how long an action waits for the events it set off.
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
        if hasattr(app, "build_app") and hasattr(app, "dependencies"):  # a Blocks: serve it alone
            app, path = app.build_app(), "/" if path is None else path
        self._setup(
            Connection(app, "/ui" if path is None else path, auth=auth, headers=headers, timeout=timeout)
        )

    def _setup(self, connection: Connection, owns_connection: bool = True) -> None:
        self._connection = connection
        self._owns_connection = owns_connection
        self.timeout = connection.timeout
        self.events: list[UIEvent] = []
        self.toasts: list[Toast] = []
        self.error: str | None = None
        self._page: PageModel | None = None
        self._runner: EventRunner | None = None

    # --- opening and closing ---
    async def open(self) -> AsyncUITester:
        """Start the app, sign in, open the page and run its `load` events."""
        if self._owns_connection and self._connection.http is None:
            await self._connection.open()
        try:
            await self.reload()
        except BaseException:
            await self.close()
            raise
        return self

    async def reload(self) -> list[UIEvent]:
        """Open the page afresh, as a reload does: a new tab id (State starts over), `load` events run."""
        if self._runner is not None:
            await self._runner.cancel()
        self._page = PageModel(await self._connection.config())
        self._runner = EventRunner(self._page, self._connection, self.events.append, self.toasts.append)
        return await self._act(lambda: self._events_runner.fire(None, "load"))

    async def open_tab(self) -> AsyncUITester:
        """Another tab of the same browser (same cookies and sign-in, its own State)."""
        tab = AsyncUITester.__new__(AsyncUITester)
        tab._setup(self._connection, owns_connection=False)
        return await tab.open()

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cancel()
        if self._owns_connection:
            await self._connection.close()

    async def __aenter__(self) -> AsyncUITester:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- reading the page ---
    @property
    def page(self) -> PageModel:
        if self._page is None:
            raise UITestError(
                "the page is not open yet: use `async with AsyncUITester(...)` or `await open()`"
            )
        return self._page

    @property
    def _events_runner(self) -> EventRunner:
        assert self._runner is not None
        return self._runner

    @property
    def config(self) -> dict[str, Any]:
        """The configuration the page received (`GET P/config`)."""
        return self.page.config

    @property
    def title(self) -> str:
        return str(self.page.config.get("title") or "")

    @property
    def username(self) -> str | None:
        return self.page.config.get("username")

    @property
    def components(self) -> list[UIComponent]:
        """Every component on the page, in layout order, with its label and current value."""
        return list(self.page.components())

    def component(self, label: str) -> UIComponent:
        return self.page.find(label, action="read")

    def value(self, label: str) -> Any:
        """The value the component labelled `label` shows, in wire form (Markdown: its HTML)."""
        return self.component(label).value

    def text(self, label: str) -> str:
        """The component's value as text a user reads (Markdown without its tags)."""
        c = self.component(label)
        if c.type == "Markdown":
            return _html_text(str(c.value or ""))
        return js_string(c.value)

    # --- acting ---
    async def _act(self, action: Any) -> list[UIEvent]:
        start, toasts = len(self.events), len(self.toasts)
        pending = action()
        if inspect.isawaitable(pending):
            await pending
        await self._events_runner.settle(self.timeout)
        shown = self.toasts[toasts:]
        self.error = shown[-1].message if shown else None
        return self.events[start:]

    def _user_changed(self, cid: int) -> None:
        self._events_runner.fire(cid, "input")
        self._events_runner.fire(cid, "change")

    async def fill(self, label: str, value: Any) -> list[UIEvent]:
        """Type `value` into a Textbox, Number or Slider (its number box); `input` and `change` fire."""
        c = self.page.find(label, FILLABLE, "fill")
        self.page.usable(c.id, "fill")
        return await self._fill(c, value)

    async def _fill(self, c: UIComponent, value: Any) -> list[UIEvent]:
        if c.type == "Textbox":
            value = js_string(value)
            if c.props.get("max_length"):
                value = value[: int(c.props["max_length"])]
        else:
            value = _typed_number(c, value)

        def change() -> None:
            self.page.set_value(c.id, value)
            self._user_changed(c.id)

        return await self._act(change)

    async def submit(self, label: str) -> list[UIEvent]:
        """Press Enter in a Textbox or Number: `submit` fires."""
        c = self.page.find(label, SUBMITTABLE, "submit")
        self.page.usable(c.id, "submit")
        multiline = c.type == "Textbox" and (int(c.props.get("lines") or 1) > 1)
        if multiline and not self.page.listens(c.id, "submit"):
            raise UITestError(
                f"Enter in the multi-line Textbox {c.label!r} starts a new line; nothing submits it"
            )
        return await self._act(lambda: self._events_runner.fire(c.id, "submit"))

    async def click(self, label: str) -> list[UIEvent]:
        """Click a button: `click` fires."""
        c = self.page.find(label, BUTTONS, "click")
        self.page.usable(c.id, "click")
        link = c.props.get("link") or (c.props.get("href") if c.type != "Button" else None)
        if link:
            raise UITestError(f"{c.type} {c.label!r} is a link to {link!r}: a click leaves the page")
        return await self._act(lambda: self._events_runner.fire(c.id, "click"))

    async def select(self, label: str, choice: Any) -> list[UIEvent]:
        """Choose `choice` (its label as shown, or its value) in a Dropdown or Radio; a multiselect
        Dropdown adds it to the chosen ones.
        """
        c = self.page.find(label, CHOOSABLE, "select in")
        self.page.usable(c.id, "select in")
        value = _choice(c, choice)
        if c.type == "Dropdown" and c.props.get("multiselect"):
            if value in c.value:
                raise UITestError(f"{choice!r} is already chosen in {c.label!r}")
            value = [*c.value, value]
        return await self._act(lambda: self._change_if_new(c.id, value))

    async def deselect(self, label: str, choice: Any) -> list[UIEvent]:
        """Remove `choice` from a multiselect Dropdown (its chip's remove button)."""
        c = self.page.find(label, frozenset({"Dropdown"}), "deselect in")
        self.page.usable(c.id, "deselect in")
        value = _choice(c, choice)
        if not c.props.get("multiselect") or value not in c.value:
            raise UITestError(f"{choice!r} is not among the chosen values of {c.label!r}: {c.value!r}")
        return await self._act(lambda: self._change_if_new(c.id, [v for v in c.value if v != value]))

    async def check(self, label: str, checked: bool = True) -> list[UIEvent]:
        """Tick a Checkbox (`checked=False` clears it); nothing fires if it already is."""
        c = self.page.find(label, frozenset({"Checkbox"}), "check")
        self.page.usable(c.id, "check")
        return await self._act(lambda: self._change_if_new(c.id, checked))

    async def uncheck(self, label: str) -> list[UIEvent]:
        return await self.check(label, checked=False)

    def _change_if_new(self, cid: int, value: Any) -> None:
        if self.page.set_value(cid, value):
            self._user_changed(cid)

    async def upload(self, label: str, *files: FileSource) -> list[UIEvent]:
        """Upload local files (paths, or `(name, bytes)`) to a File, Image or Audio: `input`, `change`
        and `upload` fire. A failed upload shows an "Upload failed" toast.
        """
        c = self.page.find(label, FILE_TYPES, "upload to")
        self.page.usable(c.id, "upload to")
        multiple = c.props.get("file_count") == "multiple"
        if not files or (len(files) > 1 and not multiple):
            raise UITestError(f"{c.type} {c.label!r} takes {'one or more files' if multiple else 'one file'}")
        contents = [read_upload(f) for f in files]

        async def send() -> None:
            try:
                uploaded = await self._connection.upload(contents, self.page.session_id)
            except CallFailed as exc:
                self.toasts.append(Toast(exc.message, "Upload failed"))
                return
            self.page.set_value(c.id, uploaded if multiple else uploaded[0])
            self._user_changed(c.id)
            self._events_runner.fire(c.id, "upload")

        return await self._act(send)

    async def clear(self, label: str) -> list[UIEvent]:
        """Remove the files of a File, Image or Audio, one by one as a user does: each fires `input`,
        `change` and `clear`.
        """
        c = self.page.find(label, FILE_TYPES, "clear")
        self.page.usable(c.id, "clear")

        def remove() -> None:
            files = list(c.value) if isinstance(c.value, list) else [c.value] if c.value else []
            while files:
                files.pop(0)
                self.page.set_value(c.id, list(files))
                self._user_changed(c.id)
                self._events_runner.fire(c.id, "clear")

        return await self._act(remove)

    async def chat(self, message: str, label: str | None = None) -> str | None:
        """Send a message in a chat (a ChatInterface's input, or the Textbox labelled `label`) and return
        the last reply shown in the Chatbot it updates.
        """
        box = (
            self._chat_input() if label is None else self.page.find(label, frozenset({"Textbox"}), "chat in")
        )
        self.page.usable(box.id, "chat in")
        await self._fill(box, message)
        await self._act(lambda: self._events_runner.fire(box.id, "submit"))
        chats = [
            cid
            for dep in self.page.listeners.get((box.id, "submit"), [])
            for cid in dep.get("outputs") or []
            if self.page.specs[cid]["type"] == "Chatbot"
        ]
        history = self.page.values.get(chats[0]) if chats else None
        replies = [m["content"] for m in history or [] if m["role"] == "assistant"]
        return replies[-1] if replies else None

    def _chat_input(self) -> UIComponent:
        boxes = [
            c for c in self.page.components() if c.type == "Textbox" and self.page.listens(c.id, "submit")
        ]
        marked = [c for c in boxes if "mountui-chat-input" in (c.props.get("elem_classes") or [])]
        found = marked or boxes
        if len(found) != 1:
            raise UITestError(f"{len(found)} chat inputs on the page; pass label= to say which")
        return found[0]

    async def use_example(self, row: int | str, block: int = 0) -> list[UIEvent]:
        """Click a row of an Interface's examples (its index, or its text as shown): the inputs are filled
        as if typed.
        """
        entries = self.page.config.get("examples") or []
        if block >= len(entries):
            raise UITestError(f"the page has {len(entries)} examples table(s)")
        entry = entries[block]
        rows = entry.get("rows") or []
        texts = [" · ".join(_example_text(v) for v in r) for r in rows]
        index = row if isinstance(row, int) else texts.index(row) if row in texts else -1
        if not 0 <= index < len(rows):
            raise UITestError(f"no example {row!r}; the examples are {texts!r}")

        def fill_in() -> None:
            for cid, value in zip(entry.get("inputs") or [], rows[index], strict=False):
                if cid in self.page.values:
                    self.page.set_value(cid, value)
                    self._user_changed(cid)

        return await self._act(fill_in)


def _choice(c: UIComponent, choice: Any) -> Any:
    pairs = choice_pairs(c.props)
    for shown_label, value in pairs:
        if shown_label == js_string(choice):
            return value
    for _, value in pairs:
        if value == choice:
            return value
    raise UITestError(f"{c.label!r} offers no choice {choice!r}; choices: {[p[0] for p in pairs]!r}")


def _typed_number(c: UIComponent, value: Any) -> float | int | None:
    """What a number box holds after typing `value` (text or a number); "" is empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise UITestError(f"{c.type} {c.label!r} takes a number, got {value!r}")
    try:
        return value if isinstance(value, int | float) else float(value)
    except (TypeError, ValueError):
        raise UITestError(f"{c.type} {c.label!r} takes a number, got {value!r}") from None


def _example_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value)
    return js_string(value)


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    return "".join(parser.parts).strip()
