"""Textbox: one line or many lines of text."""

from __future__ import annotations

from typing import Any

from mountui.components.base import Component


class Textbox(Component):
    events = ("change", "input", "submit")
    wire_type = str

    def __init__(
        self,
        value: str | Any = "",
        *,
        lines: int = 1,
        max_lines: int | None = None,
        placeholder: str | None = None,
        type: str = "text",
        max_length: int | None = None,
        show_copy_button: bool = False,
        autofocus: bool = False,
        **kwargs: Any,
    ) -> None:
        self.lines = lines
        self.max_lines = max_lines
        self.placeholder = placeholder
        self.type = type
        self.max_length = max_length
        self.show_copy_button = show_copy_button
        self.autofocus = autofocus
        super().__init__(value, **kwargs)

    def props(self) -> dict[str, Any]:
        return {
            **super().props(),
            "lines": self.lines,
            "max_lines": self.max_lines,
            "placeholder": self.placeholder,
            "type": self.type,
            "max_length": self.max_length,
            "show_copy_button": self.show_copy_button,
            "autofocus": self.autofocus,
        }

    def type_annotation(self) -> Any:
        if self.max_length is None:
            return str
        from typing import Annotated

        from pydantic import StringConstraints

        return Annotated[str, StringConstraints(max_length=self.max_length)]

    def postprocess(self, value: Any, ctx: Any) -> str:
        return "" if value is None else str(value)
