"""JSON responses (orjson) and the one shape of every error outside a stream."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from mountui.errors import CallError


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY)


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def call_error_response(exc: CallError) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.headers)


NO_STORE = {"Cache-Control": "no-store"}

# The HTTP status of a call that ended with an error event, when it is answered as JSON.
STATUS_BY_CODE = {
    "validation_error": 400,
    "invalid_request": 400,
    "forbidden": 403,
    "not_found": 404,
    "resume_too_old": 410,
    "payload_too_large": 413,
    "state_too_large": 413,
    "rate_limited": 429,
    "cancelled": 499,
    "app_error": 500,
    "internal_error": 500,
    "shutting_down": 503,
    "store_unavailable": 503,
    "worker_lost": 503,
}
