"""Slider: a number between a minimum and a maximum."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from mountui.components.base import Component
from mountui.components.number import as_number


class Slider(Component):
    events = ("change", "input", "release")

    def __init__(
        self,
        minimum: float = 0,
        maximum: float = 100,
        value: float | None = None,
        *,
        step: float = 1,
        **kwargs: Any,
    ) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
        super().__init__(minimum if value is None else value, **kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "minimum": self.minimum, "maximum": self.maximum, "step": self.step}

    def type_annotation(self) -> Any:
        return Annotated[float, Field(ge=self.minimum, le=self.maximum)]

    def preprocess(self, value: Any, ctx: Any) -> float | int:
        if float(self.step).is_integer() and float(self.minimum).is_integer() and float(value).is_integer():
            return int(value)
        return value

    def postprocess(self, value: Any, ctx: Any) -> float | int:
        return as_number(value)
