"""Button: triggers events on click, or navigates when given a `link`."""

from __future__ import annotations

from typing import Any

from mountui.components.base import Component


class Button(Component):
    events = ("click",)
    wire_type = str

    def __init__(
        self,
        value: str = "Run",
        *,
        link: str | None = None,
        variant: str = "secondary",
        size: str = "md",
        **kwargs: Any,
    ) -> None:
        self.link = link
        self.variant = variant
        self.size = size
        kwargs.setdefault("show_label", False)
        super().__init__(value, **kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "link": self.link, "variant": self.variant, "size": self.size}

    def postprocess(self, value: Any, ctx: Any) -> str:
        return "" if value is None else str(value)
