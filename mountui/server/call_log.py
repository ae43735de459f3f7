"""What a streamed call's log holds: each event as its name and its data, encoded as JSON text once, when written.

Every reader then sends the same bytes; a store shared by workers keeps them as they are; and a finished
call kept for resumption (`event_retention`) holds no Python objects the garbage collector has to walk,
which on a busy server is most of what a retained call would cost.
"""

from __future__ import annotations

from typing import Any

import orjson

LoggedEvent = tuple[str, str]


def logged(name: str, data: Any) -> LoggedEvent:
    # A str, not orjson's bytes: those keep orjson's whole write buffer (kilobytes) for as long as they live.
    return (name, orjson.dumps(data).decode())


def decoded(item: LoggedEvent) -> tuple[str, Any]:
    name, payload = item
    return name, orjson.loads(payload)
