"""Markdown: text rendered to HTML and sanitized on the server, never in the browser."""

from __future__ import annotations

from typing import Any

from mountui.components.base import Component
from mountui.markdown import render_markdown


class Markdown(Component):
    events = ("change",)
    wire_type = str

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("show_label", False)
        super().__init__(value, **kwargs)

    def postprocess(self, value: Any, ctx: Any) -> str:
        return render_markdown("" if value is None else str(value))

    def api_example(self) -> Any:
        return self.value or ""
