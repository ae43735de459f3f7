"""Settings of a mounted UI: one typed object, validated once when the app is built."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mountui.errors import ConfigError

MB = 1024 * 1024
_ORIGIN = re.compile(
    r"^https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$"
)


def _is_origin(value: str, *, wildcard: bool = False) -> bool:
    return bool(_ORIGIN.match(value)) and (wildcard or "*" not in value)


class Settings(BaseModel):
    """Every keyword accepted by `mount_ui_app`, `Blocks.build_app` and `Blocks.launch`."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)

    # Identity: a host dependency, password auth, or OAuth (see the README's auth sections).
    auth_dependency: Callable[..., Any] | None = None
    auth: Any = None
    auth_message: str | None = None
    login_url: str | None = None
    oauth: Any = None
    require_login: bool | None = None
    secret_key: str | Sequence[str] | None = None
    session_max_age: float = Field(default=7 * 24 * 3600, gt=0)
    max_login_attempts: int = Field(default=5, ge=1)
    login_attempt_window: float = Field(default=15 * 60, gt=0)

    # Limits.
    max_body_size: int = Field(default=10 * MB, gt=0)
    max_file_size: int = Field(default=100 * MB, gt=0)
    max_files_per_upload: int = Field(default=20, ge=1)
    max_upload_storage: int = Field(default=2 * 1024 * MB, gt=0)
    max_queue_size: int = Field(default=10_000, ge=1)
    default_concurrency_limit: int | None = Field(default=1, ge=1)
    state_max_size: int = Field(default=16 * MB, gt=0)
    state_ttl: float = Field(default=3600, gt=0)
    file_ttl: float = Field(default=24 * 3600, gt=0)
    event_retention: float = Field(default=120, gt=0)
    resume_grace: float = Field(default=10, ge=0)
    heartbeat_interval: float = Field(default=15, gt=0)
    event_log_max_events: int = Field(default=100, ge=2)
    event_log_max_bytes: int = Field(default=512 * 1024, ge=1024)
    shutdown_grace: float = Field(default=5, ge=0)
    worker_lease: float = Field(default=10, gt=0)
    rate_limit: str | None = None  # app-wide, per caller: "20/minute", "5/second;100/hour"
    # request -> str: who a caller is counted as (default: the username, else the client's address).
    rate_limit_key: Callable[..., Any] | None = None

    # Metrics (Prometheus, served at P/metrics; nothing is ever sent anywhere).
    metrics: bool = False
    metrics_token: str | None = Field(default=None, min_length=16)
    deep_link_ttl: float = Field(default=30 * 24 * 3600, gt=0)
    deep_link_max_size: int = Field(default=1 * MB, gt=0)

    # Presentation.
    show_error: bool = False
    show_api: bool = True
    mcp_server: bool = False  # an MCP server at P/mcp (needs `pip install 'mountui[mcp]'`)
    favicon_path: str | Path | None = None
    pwa: bool = (
        False  # an installable app: P/manifest.webmanifest, P/sw.js, icons (see mountui/server/pwa.py)
    )
    allowed_paths: Sequence[str | Path] = ()

    # Deployment.
    root_path: str = ""
    public_url: str | None = None
    trusted_proxies: Sequence[str] = ("127.0.0.1", "::1")
    allowed_origins: Sequence[str] = ()  # sites whose pages may call the app from the browser (CORS)
    frame_ancestors: Sequence[str] = ("'self'",)  # sites that may frame the app (CSP frame-ancestors)
    store: Any = Field(default=None, validate_default=True)  # MOUNTUI_STORE when not given
    file_dir: str | Path | None = None

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _allowed_origins(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
            raise ValueError("a list of origins, such as ['https://blog.example']")
        origins = tuple(str(v) for v in value)
        for origin in origins:
            if not _is_origin(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: write scheme://host[:port] with no path, such as "
                    "'https://blog.example' (no '*': every site that may call the app is named)"
                )
        return origins

    @field_validator("frame_ancestors", mode="before")
    @classmethod
    def _frame_ancestors(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
            raise ValueError("a list of sources, such as [\"'self'\", 'https://blog.example']")
        sources = tuple(str(v) for v in value)
        if not sources:
            raise ValueError("name at least one source; [\"'none'\"] forbids every frame")
        for source in sources:
            if source not in ("'self'", "'none'") and not _is_origin(source, wildcard=True):
                raise ValueError(
                    f"{source!r} is not a frame-ancestors source: use \"'self'\", \"'none'\" or an origin "
                    "such as 'https://blog.example' (a leading '*.' in the host is allowed)"
                )
        if "'none'" in sources and len(sources) > 1:
            raise ValueError("\"'none'\" stands alone in frame_ancestors")
        return sources

    def embeddable_by_other_sites(self) -> bool:
        """Whether pages of another site may embed the app (as a web component or in a frame)."""
        return bool(self.allowed_origins) or any(s not in ("'self'", "'none'") for s in self.frame_ancestors)

    @field_validator("favicon_path")
    @classmethod
    def _favicon_exists(cls, value: str | Path | None) -> Path | None:
        if value is None:
            return None
        path = Path(value)
        if not path.is_file():
            raise ValueError(f"no file at {str(path)!r}")
        return path

    @field_validator("store", mode="before")
    @classmethod
    def _store(cls, value: Any) -> Any:
        from mountui.store import Store

        value = value if value is not None else os.environ.get("MOUNTUI_STORE") or None
        if value is None or isinstance(value, Store):
            return value
        if isinstance(value, str):
            scheme = urlsplit(value).scheme
            if value == "memory":
                from mountui.store import MemoryStore

                return MemoryStore()
            if scheme in ("redis", "rediss", "unix"):
                from mountui.store.redis import RedisStore

                return RedisStore(value)
            raise ValueError(
                f"{value!r} is not a store: use 'memory', a Redis URL such as 'redis://host:6379/0' "
                "(MOUNTUI_STORE takes the same), or a mountui.store.Store object"
            )
        raise ValueError(
            f"store takes 'memory', a Redis URL or a mountui.store.Store object, not {type(value).__name__}"
        )

    @field_validator("file_dir")
    @classmethod
    def _file_dir(cls, value: str | Path | None) -> Path | None:
        if value is None:
            return None
        path = Path(value)
        if not path.is_dir():
            raise ValueError(f"no directory at {str(path)!r} (create it, shared by every worker)")
        return path.resolve()

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit(cls, value: str | None) -> str | None:
        from mountui.rates import parse_rate_limit

        return None if value is None else parse_rate_limit(value).text

    @field_validator("root_path")
    @classmethod
    def _root_path(cls, value: str) -> str:
        value = value.rstrip("/")
        if value and not value.startswith("/"):
            raise ValueError("root_path starts with '/' (for example '/apps/demo')")
        return value

    @field_validator("oauth")
    @classmethod
    def _oauth(cls, value: Any) -> Any:
        from mountui.oauth import OAuth

        if value is not None and not isinstance(value, OAuth):
            raise ValueError("oauth takes mountui.OAuth.google(...) or mountui.OAuth.oidc(...)")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _trusted_proxies(cls, value: Any) -> tuple[str, ...]:
        from mountui.http.proxy import parse_trusted_proxies

        # "10.0.0.1, 10.0.0.2" is accepted too, as in uvicorn's --forwarded-allow-ips.
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list | tuple | set | frozenset):
            raise ValueError("a list of IP addresses or networks, such as ['127.0.0.1', '10.0.0.0/8']")
        entries = tuple(str(e).strip() for e in value)
        parse_trusted_proxies(entries)
        return entries

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        from mountui.http.proxy import valid_host, valid_prefix

        if value is None:
            return None
        parts = urlsplit(value)
        if (
            parts.scheme not in ("http", "https")
            or valid_host(parts.netloc) is None
            or parts.query
            or parts.fragment
            or valid_prefix(parts.path or "/") is None
        ):
            raise ValueError(
                "public_url is the app's absolute address, such as 'https://example.com/apps/demo'"
            )
        return value.rstrip("/")

    def secret_keys(self) -> list[str] | None:
        keys = self.secret_key or os.environ.get("MOUNTUI_SECRET_KEY")
        if not keys:
            return None
        return [keys] if isinstance(keys, str) else list(keys)


def make_settings(values: dict[str, Any]) -> Settings:
    """Validate keyword settings, naming a misspelt or ill-typed one and what was probably meant."""
    known = set(Settings.model_fields)
    for name in values:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"unknown mountui setting {name!r}{hint}")
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid mountui setting: {problems}") from None
