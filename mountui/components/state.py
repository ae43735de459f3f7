"""State: a value kept on the server for each browser session, never sent to the page."""

from __future__ import annotations

import copy
from typing import Any

from mountui.components.base import Component


class State(Component):
    server_side = True

    def __init__(self, value: Any = None, **kwargs: Any) -> None:
        kwargs["render"] = False
        super().__init__(value, **kwargs)

    def default(self) -> Any:
        value = self.value() if callable(self.value) else self.value
        return copy.deepcopy(value)
