"""JSON: any JSON value, shown as a tree."""

from __future__ import annotations

from typing import Any

import orjson

from mountui.components.base import Component


class JSON(Component):
    events = ("change",)
    wire_type = Any

    def __init__(self, value: Any = None, *, open: bool = True, **kwargs: Any) -> None:
        self.open = open
        super().__init__(value, **kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "open": self.open}

    def postprocess(self, value: Any, ctx: Any) -> Any:
        if isinstance(value, str):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                return value
        # Round-trip so dataclasses, numpy scalars and datetimes become plain JSON values.
        return orjson.loads(orjson.dumps(value, default=str, option=orjson.OPT_SERIALIZE_NUMPY))
