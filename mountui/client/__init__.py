"""The mountui client: call any mountui app from Python over HTTP, with nothing but httpx.

    from mountui import Client

    client = Client("https://example.com/ui/")
    print(client.predict("World", api_name="greet"))

`Client` and `AsyncClient` load httpx on first use, so that importing the errors stays light. Both are thin
transports over one sans-IO core (`protocol`: requests and answers; `calls`: the state of a call).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mountui.client.errors import (
    AppError,
    AuthenticationError,
    ClientError,
    JobCancelledError,
    JobTimeoutError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    QueueFullError,
    RateLimitError,
    ServerUnavailableError,
    ValidationError,
)

if TYPE_CHECKING:
    from mountui.client.async_client import AsyncClient, AsyncJob
    from mountui.client.calls import JobStatus, Update
    from mountui.client.sync_client import Client, Job

_LAZY = {
    "Client": "mountui.client.sync_client",
    "Job": "mountui.client.sync_client",
    "AsyncClient": "mountui.client.async_client",
    "AsyncJob": "mountui.client.async_client",
    "JobStatus": "mountui.client.calls",
    "Update": "mountui.client.calls",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mountui.client' has no attribute {name!r}")


__all__ = [
    "AppError",
    "AsyncClient",
    "AsyncJob",
    "AuthenticationError",
    "Client",
    "ClientError",
    "Job",
    "JobCancelledError",
    "JobStatus",
    "JobTimeoutError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "QueueFullError",
    "RateLimitError",
    "ServerUnavailableError",
    "Update",
    "ValidationError",
]
