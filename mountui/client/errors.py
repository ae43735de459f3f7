"""The exceptions of the mountui client: one class per kind of failure, each carrying the server's words.

All derive from `ClientError`, itself a `mountui.MountUIError`. `mountui.ValidationError` is this module's
(the server refused the values, or they do not fit the endpoint's parameters), not pydantic's
`pydantic.ValidationError`: import one of them under another name if a module needs both.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from mountui.errors import MountUIError


class ClientError(MountUIError):
    """A call failed. `code` is the server's machine-readable code, `status` the HTTP status (or None)."""

    hint = ""

    def __init__(self, message: str, *, code: str = "error", status: int | None = None) -> None:
        self.message = message
        self.code = code
        self.status = status
        where = f"{code}, HTTP {status}" if status else code
        super().__init__(f"{message} ({where})" + (f"; {self.hint}" if self.hint else ""))


class AuthenticationError(ClientError):
    hint = "pass auth=(username, password) to the client, or the headers or cookies the app's host expects"


class PermissionDeniedError(ClientError):
    hint = "the session, call or file belongs to another user"


class ValidationError(ClientError):
    hint = "see client.view_api() for each endpoint's parameters and their types"


class NotFoundError(ClientError):
    hint = "see client.view_api() for the endpoints this app offers"


class PayloadTooLargeError(ClientError):
    pass


class RateLimitError(ClientError):
    """Too many requests; `retry_after` is how many seconds to wait (None if the server did not say)."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "rate_limited",
        status: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        self.hint = f"try again in {retry_after:g} s" if retry_after is not None else "try again later"
        super().__init__(message, code=code, status=status)


class QueueFullError(ClientError):
    hint = "the app is busy; try again soon"


class ServerUnavailableError(ClientError):
    """The server is stopping (a deploy, a restart): the call was not run to its end; start it again."""

    hint = "the server is restarting; try again in a moment"


class AppError(ClientError):
    """The app's function failed: `app_error` carries the message it raised, `internal_error` a generic one."""


class JobCancelledError(ClientError):
    """The call was cancelled (by `job.cancel()`, or on the server) before it finished."""


class JobTimeoutError(ClientError, TimeoutError):
    """`job.result(timeout=...)` ran out of time; the call itself goes on (`job.cancel()` stops it)."""

    hint = "wait longer, or cancel the job"


_BY_CODE: dict[str, type[ClientError]] = {
    "unauthorized": AuthenticationError,
    "forbidden": PermissionDeniedError,
    "invalid_json": ValidationError,
    "validation_error": ValidationError,
    "invalid_request": ValidationError,
    "invalid_session": ValidationError,
    "not_found": NotFoundError,
    "unknown_endpoint": NotFoundError,
    "payload_too_large": PayloadTooLargeError,
    "state_too_large": PayloadTooLargeError,
    "rate_limited": RateLimitError,
    "queue_full": QueueFullError,
    "shutting_down": ServerUnavailableError,
    "app_error": AppError,
    "internal_error": AppError,
    "cancelled": JobCancelledError,
}
_BY_STATUS: dict[int, type[ClientError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    413: PayloadTooLargeError,
    429: RateLimitError,
    500: AppError,
    503: QueueFullError,
}


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from datetime import UTC, datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def error_for(
    code: str, message: str, status: int | None = None, headers: Mapping[str, str] | None = None
) -> ClientError:
    """The exception for a wire error `{"code", "message"}` (from a JSON answer or an `error` event)."""
    cls = _BY_CODE.get(code) or (_BY_STATUS.get(status) if status else None) or ClientError
    if cls is RateLimitError:
        retry = parse_retry_after((headers or {}).get("retry-after"))
        return RateLimitError(message, code=code, status=status, retry_after=retry)
    return cls(message, code=code, status=status)


def error_from_response(status: int, headers: Mapping[str, str], body: bytes) -> ClientError:
    """The exception for an HTTP error answer, JSON `{"error": {...}}` or anything else (a proxy's page)."""
    import json

    try:
        payload: Any = json.loads(body)
        error = payload["error"]
        code, message = str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        text = body.decode("utf-8", "replace").strip()
        code, message = "http_error", (text[:200] or f"the server answered HTTP {status}")
    return error_for(code, message, status, headers)


def connection_lost(detail: str | BaseException) -> ClientError:
    """The error for a network failure: the app is unreachable, or a connection broke for good."""
    if isinstance(detail, BaseException):
        detail = str(detail) or type(detail).__name__
    return ClientError(f"lost the connection to the app: {detail}", code="connection_error")
