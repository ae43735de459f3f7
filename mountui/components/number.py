"""Number: a numeric input, optionally bounded."""

from __future__ import annotations

import numbers
from typing import Annotated, Any

from pydantic import Field

from mountui.components.base import Component


def as_number(value: Any) -> float | int:
    """A function's value for a numeric output: a real number (numpy's too), never a bool or a string."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"expected a number (int or float), got {type(value).__name__}")
    return int(value) if isinstance(value, numbers.Integral) else float(value)


class Number(Component):
    events = ("change", "input", "submit")

    def __init__(
        self,
        value: float | None = None,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        step: float = 1,
        precision: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
        self.precision = precision
        super().__init__(value, **kwargs)

    def props(self) -> dict[str, Any]:
        return {
            **super().props(),
            "minimum": self.minimum,
            "maximum": self.maximum,
            "step": self.step,
            "precision": self.precision,
        }

    def type_annotation(self) -> Any:
        return Annotated[float, Field(ge=self.minimum, le=self.maximum)] | None

    def preprocess(self, value: Any, ctx: Any) -> float | int | None:
        if value is None:
            return None
        if self.precision == 0:
            return round(value)
        if self.precision is not None:
            return round(float(value), self.precision)
        return value

    def postprocess(self, value: Any, ctx: Any) -> float | int | None:
        if value is None:
            return None
        number = as_number(value)
        return round(number, self.precision) if self.precision is not None else number
