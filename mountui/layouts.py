"""Layouts: blocks that arrange other blocks (`with Row(): ...`)."""

from __future__ import annotations

from typing import Any

from mountui.blocks import BlockContext

__all__ = ["Accordion", "Column", "Group", "Row", "Tab", "Tabs"]


class Row(BlockContext):
    def __init__(self, *, variant: str = "default", equal_height: bool = False, **kwargs: Any) -> None:
        self.variant = variant
        self.equal_height = equal_height
        super().__init__(**kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "variant": self.variant, "equal_height": self.equal_height}


class Column(BlockContext):
    def __init__(
        self, *, scale: int = 1, min_width: int = 160, variant: str = "default", **kwargs: Any
    ) -> None:
        self.scale = scale
        self.min_width = min_width
        self.variant = variant
        super().__init__(**kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "scale": self.scale, "min_width": self.min_width, "variant": self.variant}


class Group(BlockContext):
    """Children drawn together without gaps, as one card."""


class Tabs(BlockContext):
    def __init__(self, *, selected: int | str | None = None, **kwargs: Any) -> None:
        self.selected = selected
        super().__init__(**kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "selected": self.selected}


class Tab(BlockContext):
    def __init__(self, label: str = "Tab", *, id: int | str | None = None, **kwargs: Any) -> None:
        self.label = label
        self.tab_id = id
        super().__init__(**kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "label": self.label, "tab_id": self.tab_id}


class Accordion(BlockContext):
    def __init__(self, label: str = "", *, open: bool = True, **kwargs: Any) -> None:
        self.label = label
        self.open = open
        super().__init__(**kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "label": self.label, "open": self.open}
