"""Reading request bodies with a size limit checked before and while reading."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.types import Message, Receive

from mountui.errors import CallError


def too_large(limit: int) -> CallError:
    return CallError(413, "payload_too_large", f"the request body is over the limit of {limit} bytes")


def check_declared_length(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            raise CallError(400, "invalid_request", "Content-Length is not a number") from None
        if length > limit:
            raise too_large(limit)


def limited_receive(receive: Receive, limit: int) -> Receive:
    """A receive channel that fails with 413 once more than `limit` body bytes arrived."""
    seen = 0

    async def receive_limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise too_large(limit)
        return message

    return receive_limited


async def read_json(request: Request, limit: int) -> Any:
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        # Also what keeps a plain HTML form on another site from posting a call (forms cannot send JSON).
        raise CallError(
            415,
            "unsupported_media_type",
            "send the body as JSON with the header Content-Type: application/json",
        )
    check_declared_length(request, limit)
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    try:
        return orjson.loads(b"".join(chunks))
    except orjson.JSONDecodeError as exc:
        raise CallError(400, "invalid_json", f"the body is not valid JSON: {exc}") from None
