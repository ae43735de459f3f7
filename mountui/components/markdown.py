"""Markdown: text rendered to HTML and sanitized on the server, never in the browser."""

from __future__ import annotations

from typing import Any

from mountui.components.base import Component
from mountui.markdown import render_markdown, sanitize_html


class Markdown(Component):
    events = ("change",)
    wire_type = str

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("show_label", False)
        super().__init__(value, **kwargs)

    def postprocess(self, value: Any, ctx: Any) -> str:
        return render_markdown("" if value is None else str(value))

    # The page holds the rendered HTML, not the Markdown: a link keeps it sanitized again, on the way in and out.
    def snapshot(self, value: Any, files: Any) -> str:
        return sanitize_html(value)

    def restore(self, kept: Any, files: Any) -> str:
        return sanitize_html(str(kept))

    def api_example(self) -> Any:
        return self.value or ""
