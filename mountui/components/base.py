"""The base class every component derives from: config, wire type, preprocess and postprocess."""

from __future__ import annotations

import copy
from functools import cached_property
from typing import Any, ClassVar, Protocol

from pydantic import TypeAdapter

from mountui.blocks import Block
from mountui.events import EventTarget


class ProcessingContext(Protocol):
    """What components may ask of the server while converting values (files, mostly)."""

    def file_input(self, ref: dict[str, Any]) -> Any:
        """Return the stored file (with `.path`, `.name`, `.size`, `.mime_type`) for a wire file reference."""

    def file_output(self, value: Any, name: str | None = None) -> dict[str, Any]:
        """Store a file the function returned (a path or bytes) and return its wire value."""


class DeepLinkFiles(Protocol):
    """Files of a deep link: what `Component.snapshot` and `Component.restore` may ask of the server."""

    def keep(self, ref: dict[str, Any]) -> dict[str, Any]:
        """A file of the caller's, kept for the link's lifetime; returns the reference the link stores."""

    def show(self, ref: dict[str, Any]) -> dict[str, Any] | None:
        """The wire value of a file the link kept (None when it is gone), viewable by the link's holders."""


class Component(EventTarget, Block):
    """A UI element with a value. Subclasses set `wire_type` and may override the conversions."""

    wire_type: ClassVar[Any] = Any
    # Components whose value stays on the server (State) are not part of the wire protocol.
    server_side: ClassVar[bool] = False
    # Values that are files: an app with such an input accepts uploads, and calls that touch files run in a
    # worker thread (reading and writing them blocks).
    handles_files: ClassVar[bool] = False

    def __init__(
        self,
        value: Any = None,
        *,
        label: str | None = None,
        info: str | None = None,
        show_label: bool = True,
        interactive: bool | None = None,
        visible: bool = True,
        elem_id: str | None = None,
        elem_classes: Any = None,
        render: bool = True,
        deep_link: bool = True,
    ) -> None:
        self.value = value
        # False: the value never goes into a deep link (a key, a token: secrets stay out of URLs).
        self.deep_link = deep_link
        self.label = label
        self.info = info
        self.show_label = show_label
        self.interactive = interactive
        super().__init__(visible=visible, elem_id=elem_id, elem_classes=elem_classes, render=render)

    # --- description for the frontend ---
    def props(self) -> dict[str, Any]:
        return {
            **super().props(),
            "label": self.label,
            "info": self.info,
            "show_label": self.show_label,
            "interactive": self.interactive,
            **({} if self.deep_link else {"deep_link": False}),
        }

    def initial_value(self, ctx: ProcessingContext | None = None) -> Any:
        value = self.value() if callable(self.value) else self.value
        return self.postprocess(copy.deepcopy(value), ctx)

    # --- schema and conversions ---
    def type_annotation(self) -> Any:
        return self.wire_type

    @cached_property
    def adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.type_annotation())

    def json_schema(self) -> dict[str, Any]:
        schema = self.adapter.json_schema()
        if self.label:
            schema.setdefault("title", self.label)
        return schema

    # --- what the API docs (api_info, OpenAPI, the docs page) say about this component ---
    def api_example(self) -> Any:
        """A value the API docs show in snippets; None or an empty value: the docs derive one from the schema."""
        return self.postprocess(self.value, None) if self.value is not None else None

    def api_default(self) -> Any:
        """The default the docs show for this input (None: no default). A callable value has none to show."""
        return None if callable(self.value) else self.initial_value(None)

    def api_file_kind(self) -> str | None:
        """For values that are files: "single" or "multiple" (callers upload them first); else None."""
        return None

    def preprocess(self, value: Any, ctx: ProcessingContext | None) -> Any:
        """Wire value (already schema-validated) -> the Python value the function receives."""
        return value

    def postprocess(self, value: Any, ctx: ProcessingContext | None) -> Any:
        """The function's return value -> the wire value."""
        return value

    # --- deep links: the page's values saved under an id, shown again to whoever opens the link ---
    def shareable(self) -> bool:
        """Whether a deep link keeps this component's value (never State's, never `deep_link=False`)."""
        return self.deep_link and not self.server_side

    def snapshot(self, value: Any, files: DeepLinkFiles) -> Any:
        """A wire value the page sent for a deep link (already schema-validated) -> what the link keeps.
        Nothing the page sent is trusted: HTML is dropped or sanitized again, files are checked."""
        return value

    def restore(self, kept: Any, files: DeepLinkFiles) -> Any:
        """What a deep link kept -> the wire value the page shows, rendered by the server."""
        return kept

    def api_label(self) -> str:
        return self.label or type(self).__name__.lower()
