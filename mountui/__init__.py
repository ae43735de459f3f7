"""mountui: interactive web UIs for Python functions, mounted into any FastAPI or Starlette service.

    with mountui.Blocks() as demo:
        name = mountui.Textbox(label="Name"); out = mountui.Textbox()
        mountui.Button("Greet").click(greet, name, out, api_name="greet")
    app = mountui.mount_ui_app(app, demo, path="/ui")

Heavy modules (the server, uvicorn, authlib) load only when an app is built, so importing stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mountui import components, layouts
from mountui.blocks import Blocks

# Components and layouts are listed once, in their packages' `__all__`; the names follow from there.
from mountui.components import *  # noqa: F403
from mountui.errors import ConfigError, Error, MountUIError
from mountui.injection import OAuthProfile, OAuthToken, Progress, Request
from mountui.layouts import *  # noqa: F403
from mountui.typed_api import api

if TYPE_CHECKING:
    from mountui.chat_interface import ChatInterface
    from mountui.client import (
        AppError,
        AsyncClient,
        AsyncJob,
        AuthenticationError,
        Client,
        ClientError,
        Job,
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
    from mountui.interface import Interface
    from mountui.oauth import OAuth
    from mountui.server.mount import mount_ui_app

from mountui._version import __version__ as __version__

_LAZY = {
    "Interface": ("mountui.interface", "Interface"),
    "ChatInterface": ("mountui.chat_interface", "ChatInterface"),
    "mount_ui_app": ("mountui.server.mount", "mount_ui_app"),
    "OAuth": ("mountui.oauth", "OAuth"),
    # The API client: httpx loads only when a client is used.
    "Client": ("mountui.client", "Client"),
    "AsyncClient": ("mountui.client", "AsyncClient"),
    "Job": ("mountui.client", "Job"),
    "AsyncJob": ("mountui.client", "AsyncJob"),
    "ClientError": ("mountui.client", "ClientError"),
    "AuthenticationError": ("mountui.client", "AuthenticationError"),
    "PermissionDeniedError": ("mountui.client", "PermissionDeniedError"),
    "ValidationError": ("mountui.client", "ValidationError"),
    "NotFoundError": ("mountui.client", "NotFoundError"),
    "PayloadTooLargeError": ("mountui.client", "PayloadTooLargeError"),
    "RateLimitError": ("mountui.client", "RateLimitError"),
    "QueueFullError": ("mountui.client", "QueueFullError"),
    "ServerUnavailableError": ("mountui.client", "ServerUnavailableError"),
    "AppError": ("mountui.client", "AppError"),
    "JobCancelledError": ("mountui.client", "JobCancelledError"),
    "JobTimeoutError": ("mountui.client", "JobTimeoutError"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mountui' has no attribute {name!r}")


__all__ = [
    "AppError",
    "AsyncClient",
    "AsyncJob",
    "AuthenticationError",
    "Blocks",
    "ChatInterface",
    "Client",
    "ClientError",
    "ConfigError",
    "Error",
    "Interface",
    "Job",
    "JobCancelledError",
    "JobTimeoutError",
    "MountUIError",
    "NotFoundError",
    "OAuth",
    "OAuthProfile",
    "OAuthToken",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "Progress",
    "QueueFullError",
    "RateLimitError",
    "Request",
    "ServerUnavailableError",
    "ValidationError",
    "api",
    "mount_ui_app",
]
__all__ += components.__all__
__all__ += layouts.__all__
