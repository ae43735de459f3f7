"""Shared handling of `choices` for Dropdown and Radio: strings or (label, value) pairs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from mountui.errors import ConfigError

Choice = str | int | float


def normalize_choices(choices: Sequence[Any] | None) -> list[tuple[str, Choice]]:
    result: list[tuple[str, Choice]] = []
    for choice in choices or []:
        if isinstance(choice, (tuple, list)) and len(choice) == 2:
            result.append((str(choice[0]), choice[1]))
        elif isinstance(choice, (str, int, float)):
            result.append((str(choice), choice))
        else:
            raise ConfigError(f"a choice is a value or a (label, value) pair, got {choice!r}")
    return result


def choice_type(choices: list[tuple[str, Choice]], allow_custom_value: bool) -> Any:
    values = tuple(value for _, value in choices)
    if allow_custom_value or not values:
        return Choice
    return Literal[values]
