"""Radio: pick exactly one of a few choices, all visible."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mountui.components.base import Component
from mountui.components.choices import choice_type, normalize_choices


class Radio(Component):
    events = ("change", "input", "select")

    def __init__(self, choices: Sequence[Any] | None = None, value: Any = None, **kwargs: Any) -> None:
        self.choices = normalize_choices(choices)
        super().__init__(value, **kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "choices": [list(c) for c in self.choices]}

    def type_annotation(self) -> Any:
        return choice_type(self.choices, False) | None
