"""Checkbox: true or false."""

from __future__ import annotations

from typing import Any

from mountui.components.base import Component


class Checkbox(Component):
    events = ("change", "input")
    wire_type = bool

    def __init__(self, value: bool = False, **kwargs: Any) -> None:
        super().__init__(value, **kwargs)

    def postprocess(self, value: Any, ctx: Any) -> bool:
        return bool(value)
