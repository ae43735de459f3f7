"""Objects injected into user functions by type hint: Request, Progress, OAuthProfile, OAuthToken.

A parameter annotated with one of these (or `X | None`) is filled by the server and is not an API input.
Called directly, outside a server, the function gets None (a no-op Progress for Progress).
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


class Request:
    """The caller's HTTP request as a function sees it."""

    def __init__(self, request: Any, *, username: str | None = None, session_id: str | None = None) -> None:
        self.request = request
        self.username = username
        self.session_id = session_id

    @property
    def headers(self) -> Mapping[str, str]:
        return self.request.headers

    @property
    def client(self) -> Any:
        return self.request.client

    @property
    def query_params(self) -> Mapping[str, str]:
        return self.request.query_params

    @property
    def cookies(self) -> Mapping[str, str]:
        return self.request.cookies

    @property
    def url(self) -> Any:
        return self.request.url

    def __repr__(self) -> str:
        return f"<mountui.Request username={self.username!r} client={self.client!r}>"


class OAuthProfile(dict):
    """The OpenID Connect claims of the signed-in user (`sub`, `name`, `email`, `picture`, ...)."""

    @property
    def name(self) -> str | None:
        return self.get("name")

    @property
    def email(self) -> str | None:
        return self.get("email")

    @property
    def username(self) -> str | None:
        return self.get("preferred_username") or self.get("email") or self.get("sub")


@dataclass
class OAuthToken:
    """The signed-in user's access token, kept server-side and handed only to functions."""

    token: str
    scopes: list[str] = field(default_factory=list)
    expires_at: float | None = None


class Progress:
    """Reports progress of a running call: `progress(0.3, desc="Loading")` or `progress.tqdm(items)`."""

    def __init__(self) -> None:
        self._emit: Callable[[dict[str, Any]], None] | None = None

    def _bind(self, emit: Callable[[dict[str, Any]], None]) -> Progress:
        bound = Progress()
        bound._emit = emit
        return bound

    def __call__(
        self,
        progress: float | tuple[int, int | None] | None,
        desc: str | None = None,
        total: int | None = None,
        unit: str = "steps",
    ) -> None:
        if self._emit is None:
            return
        index = None
        if isinstance(progress, tuple):
            index, total = progress
            progress = index / total if total else None
        self._emit({"progress": progress, "index": index, "total": total, "desc": desc, "unit": unit})

    def tqdm(
        self, iterable: Iterable[T], desc: str | None = None, total: int | None = None, unit: str = "steps"
    ) -> Iterator[T]:
        if total is None and hasattr(iterable, "__len__"):
            total = len(iterable)  # type: ignore[arg-type]
        for index, item in enumerate(iterable):
            self((index, total), desc=desc, unit=unit)
            yield item
        if total:
            self((total, total), desc=desc, unit=unit)


INJECTABLE: dict[type, str] = {
    Request: "request",
    Progress: "progress",
    OAuthProfile: "oauth_profile",
    OAuthToken: "oauth_token",
}


def _injected_kind(annotation: Any) -> str | None:
    if annotation in INJECTABLE:
        return INJECTABLE[annotation]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _injected_kind(args[0])
    name = getattr(annotation, "__name__", None)
    # Starlette's and FastAPI's Request are accepted too: users write the import they are used to.
    if name == "Request" and getattr(annotation, "__module__", "").startswith(("starlette", "fastapi")):
        return "request"
    return None


@dataclass
class FunctionSpec:
    """What the server needs to know about a user function, computed once at definition time."""

    fn: Callable[..., Any]
    params: list[tuple[str, str | None]]  # (name, injected kind or None) in positional order
    is_async: bool
    is_generator: bool
    is_async_generator: bool
    has_var_positional: bool
    required_inputs: int
    max_inputs: int | None

    @property
    def input_names(self) -> list[str]:
        return [name for name, kind in self.params if kind is None]

    def build_args(self, values: list[Any], injected: Mapping[str, Any]) -> list[Any]:
        args: list[Any] = []
        it = iter(values)
        for _name, kind in self.params:
            if kind is None:
                try:
                    args.append(next(it))
                except StopIteration:
                    break
            else:
                args.append(injected.get(kind))
        args.extend(it)
        return args


def analyze_function(fn: Callable[..., Any]) -> FunctionSpec:
    """Read a function's signature: which parameters are inputs and which are injected."""
    target = fn
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        signature = None
    try:
        hints = typing.get_type_hints(fn if inspect.isroutine(fn) else type(fn).__call__)
    except Exception:
        hints = {}
    params: list[tuple[str, str | None]] = []
    required = 0
    has_var = False
    if signature is not None:
        for p in signature.parameters.values():
            if p.kind is p.VAR_POSITIONAL:
                has_var = True
                continue
            if p.kind in (p.VAR_KEYWORD, p.KEYWORD_ONLY):
                continue
            kind = _injected_kind(hints.get(p.name, p.annotation))
            if kind is None and isinstance(p.default, Progress):
                kind = "progress"
            params.append((p.name, kind))
            if kind is None and p.default is p.empty:
                required += 1
    inputs = sum(1 for _, k in params if k is None)
    call = target if inspect.isroutine(target) else type(target).__call__
    return FunctionSpec(
        fn=fn,
        params=params,
        is_async=inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(call),
        is_generator=inspect.isgeneratorfunction(fn) or inspect.isgeneratorfunction(call),
        is_async_generator=inspect.isasyncgenfunction(fn) or inspect.isasyncgenfunction(call),
        has_var_positional=has_var,
        required_inputs=required,
        max_inputs=None if has_var or signature is None else inputs,
    )
