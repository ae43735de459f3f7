"""Reading Server-Sent Events as a client does: the parser the tests use on mountui's streams."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson


def parse_sse(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    """Yield {"event", "id", "data"} for each Server-Sent Event; comments (heartbeats) are skipped."""
    event: dict[str, Any] = {}
    data: list[str] = []
    for line in lines:
        if line == "":
            if data or event:
                event["data"] = orjson.loads("\n".join(data)) if data else None
                yield event
            event, data = {}, []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "data":
                data.append(value)
            elif field in ("event", "id"):
                event[field] = value


def stream_call(client: httpx.Client, url: str, data: list[Any], **kwargs: Any) -> list[dict[str, Any]]:
    headers = {"Accept": "text/event-stream", **kwargs.pop("headers", {})}
    with client.stream("POST", url, json={"data": data}, headers=headers, **kwargs) as response:
        assert response.status_code == 200, response.read()
        return list(parse_sse(response.iter_lines()))
