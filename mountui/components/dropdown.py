"""Dropdown: pick one value (or several with multiselect) from a list of choices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mountui.components.base import Component
from mountui.components.choices import choice_type, normalize_choices


class Dropdown(Component):
    events = ("change", "input", "select")

    def __init__(
        self,
        choices: Sequence[Any] | None = None,
        value: Any = None,
        *,
        multiselect: bool = False,
        allow_custom_value: bool = False,
        **kwargs: Any,
    ) -> None:
        self.choices = normalize_choices(choices)
        self.multiselect = multiselect
        self.allow_custom_value = allow_custom_value
        if value is None and not multiselect and self.choices:
            value = self.choices[0][1]
        super().__init__([] if value is None and multiselect else value, **kwargs)

    def props(self) -> dict[str, Any]:
        return {
            **super().props(),
            "choices": [list(c) for c in self.choices],
            "multiselect": self.multiselect,
            "allow_custom_value": self.allow_custom_value,
        }

    def type_annotation(self) -> Any:
        item = choice_type(self.choices, self.allow_custom_value)
        return list[item] if self.multiselect else item | None  # type: ignore[valid-type]

    def postprocess(self, value: Any, ctx: Any) -> Any:
        if self.multiselect:
            return [] if value is None else list(value) if isinstance(value, (list, tuple)) else [value]
        return value
