"""The exceptions mountui raises, and the one users raise to show a message to the caller."""

from __future__ import annotations


class MountUIError(Exception):
    """Base class of every exception mountui raises itself."""


class ConfigError(MountUIError, ValueError):
    """The app or its settings are described wrongly; the message says what to change."""


class Error(Exception):
    """Raise in your function to show `message` to the caller (browser, API client, MCP).

    Any other exception shows a generic message (details only with `show_error=True`) and is logged.
    """

    def __init__(self, message: str = "Error raised.", *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.title = title

    def __str__(self) -> str:
        return self.message


class CallError(MountUIError):
    """A call was refused or failed; carries the wire error `code`, `message` and HTTP `status`."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class StoreUnavailableError(CallError):
    """The shared store (Redis) cannot be reached: the request gets 503 and may be tried again soon.

    Never read as "not signed in": a signed-in user whose session cannot be checked is told to retry.
    """

    RETRY_AFTER = 2

    def __init__(self, detail: str = "") -> None:
        message = f"the app's shared store cannot be reached; try again in {self.RETRY_AFTER} s"
        super().__init__(503, "store_unavailable", message, {"Retry-After": str(self.RETRY_AFTER)})
        self.detail = detail


class OutputError(MountUIError, TypeError):
    """A function returned a value one of its output components cannot show; the message names both."""


class MissingExtraError(MountUIError, ImportError):
    """A feature needs an optional extra that is not installed; the message names the `pip install`."""
