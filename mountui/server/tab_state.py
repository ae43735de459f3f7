"""`mountui.State` values, kept in the store for each browser tab and its user, never sent to the page."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import Any

from mountui.components import Component
from mountui.errors import CallError
from mountui.http.equal import constant_time_equal
from mountui.store.base import Store


class TabState:
    def __init__(self, store: Store, max_size: int, ttl: float) -> None:
        self.store, self.max_size, self.ttl = store, max_size, ttl

    async def load(
        self, components: Sequence[Component], tab_id: str | None, username: str | None
    ) -> dict[int, Any]:
        """The values of these State components in this tab (their defaults the first time)."""
        needed = [c for c in components if c.server_side]
        if not needed:
            return {}
        record = await self._record(tab_id, username)
        values = record.get("values", {}) if record else {}
        return {c.id: values[c.id] if c.id in values else c.default() for c in needed}  # type: ignore[attr-defined]

    async def save(self, tab_id: str | None, username: str | None, updates: dict[int, Any]) -> None:
        if not tab_id:
            return  # a stateless API call: State starts from its default every time
        record = await self._record(tab_id, username) or {"owner": username, "values": {}}
        values = {**record["values"], **updates}
        try:
            size = len(pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:
            size = 0  # not picklable: the store says so when it keeps the value
        if size > self.max_size:
            raise CallError(
                413, "state_too_large", f"State grew to {size} bytes, over state_max_size ({self.max_size})"
            )
        await self.store.set(f"state:{tab_id}", {"owner": username, "values": values}, ttl=self.ttl)

    async def _record(self, tab_id: str | None, username: str | None) -> dict[str, Any] | None:
        if not tab_id:
            return None
        record = await self.store.get(f"state:{tab_id}")
        if record is not None and not constant_time_equal(record["owner"], username):
            raise CallError(403, "forbidden", "this session belongs to another user")
        return record
