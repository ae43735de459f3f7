"""Functions exposed as API (and MCP) endpoints without a UI, and MCP resources and prompts.

`demo.api(fn)` reads `fn`'s annotations to choose the components that check its arguments and convert its
result, so the endpoint gets the same schemas, validation and docs as one behind a button.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mountui.errors import ConfigError
from mountui.injection import analyze_function

if TYPE_CHECKING:
    from mountui.blocks import Blocks
    from mountui.components.base import Component
    from mountui.events import ConcurrencyLimit, Dependency


def _optional(annotation: Any) -> tuple[Any, bool]:
    """(the annotation without `None`, whether None was allowed)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def component_for(annotation: Any, label: str, default: Any = inspect.Parameter.empty) -> Component:
    """The component whose wire value and conversion fit a parameter or return annotation."""
    import mountui.components as c

    value = None if default is inspect.Parameter.empty else default
    kind, _ = _optional(annotation)
    origin = typing.get_origin(kind)
    common: dict[str, Any] = {"label": label, "render": False}
    if kind is str:
        return c.Textbox(value=value or "", **common)
    if kind is bool:
        return c.Checkbox(value=bool(value), **common)
    if kind is int:
        return c.Number(value=value, precision=0, **common)
    if kind is float:
        return c.Number(value=value, **common)
    if origin is Literal and all(isinstance(a, str) for a in typing.get_args(kind)):
        return c.Dropdown(choices=list(typing.get_args(kind)), value=value, **common)
    if kind is bytes or (isinstance(kind, type) and issubclass(kind, Path)):
        return c.File(type="bytes" if kind is bytes else "filepath", **common)
    if kind is inspect.Parameter.empty or kind is Any:
        return c.JSON(value=value, **common)
    if origin in (list, dict, tuple) or kind in (list, dict, tuple):
        return c.JSON(value=value, **common)
    raise ConfigError(
        f"{label}: mountui cannot take or return a {kind!r} through the API; annotate it as str, int, float, "
        "bool, a Literal of strings, bytes, pathlib.Path, list or dict, or give the function a UI"
    )


def add_api_function(
    blocks: Blocks,
    fn: Callable[..., Any],
    *,
    api_name: str | None = None,
    api_description: str | None = None,
    concurrency_limit: ConcurrencyLimit = "default",
) -> Dependency:
    """An endpoint `P/api/{api_name}` (and MCP tool) for `fn`, typed from its annotations, with no UI."""
    from mountui.events import add_dependency

    spec = analyze_function(fn)
    try:
        hints = typing.get_type_hints(fn)
    except Exception:
        hints = getattr(fn, "__annotations__", {})
    signature = inspect.signature(fn)
    inputs = []
    for name, kind in spec.params:
        if kind is None:
            parameter = signature.parameters[name]
            inputs.append(component_for(hints.get(name, parameter.annotation), name, parameter.default))
    returned = hints.get("return", signature.return_annotation)
    returned, _ = _optional(returned)
    origin = typing.get_origin(returned)
    if spec.is_generator or spec.is_async_generator:
        # Iterator[str], Generator[str, None, None], AsyncIterator[str]: what each `yield` gives.
        args = typing.get_args(returned)
        returned = args[0] if args else inspect.Parameter.empty
        origin = typing.get_origin(returned)
    if returned is None or returned is type(None):
        outputs: list[Component] = []
    elif origin is tuple and typing.get_args(returned) and Ellipsis not in typing.get_args(returned):
        outputs = [component_for(t, f"output {i}") for i, t in enumerate(typing.get_args(returned), 1)]
    else:
        outputs = [component_for(returned, "output")]
    for component in (*inputs, *outputs):
        blocks.register(component)
    return add_dependency(
        blocks,
        [],
        fn,
        inputs,
        outputs,
        api_name=api_name,
        concurrency_limit=concurrency_limit,
        api_description=api_description,
    )


@dataclass(frozen=True)
class McpResource:
    """`@demo.mcp_resource(uri)`: data an MCP client may read; `{name}` parts of the URI are arguments."""

    uri: str
    fn: Callable[..., Any]
    name: str
    description: str
    mime_type: str

    @property
    def is_template(self) -> bool:
        return "{" in self.uri

    def match(self, uri: str) -> dict[str, str] | None:
        """The arguments `uri` gives this resource, or None when it is not one of this resource's URIs."""
        if not self.is_template:
            return {} if uri == self.uri else None
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.uri))
        found = re.fullmatch(pattern, uri)
        return found.groupdict() if found else None


@dataclass(frozen=True)
class McpPrompt:
    """`@demo.mcp_prompt()`: a message template an MCP client offers its user; arguments are strings."""

    name: str
    fn: Callable[..., Any]
    description: str
    arguments: list[tuple[str, bool]]  # (name, required)


def first_paragraph(fn: Callable[..., Any]) -> str:
    return (inspect.getdoc(fn) or "").split("\n\n", 1)[0].strip()


def mcp_resource(
    uri: str, fn: Callable[..., Any], name: str | None, description: str | None, mime_type: str
) -> McpResource:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri):
        raise ConfigError(f"mcp_resource needs an absolute URI such as 'data://notes/{{name}}', got {uri!r}")
    fields = set(re.findall(r"\{(\w+)\}", uri))
    parameters = set(inspect.signature(fn).parameters)
    if fields != parameters:
        raise ConfigError(
            f"the parameters of {getattr(fn, '__name__', fn)}() ({', '.join(sorted(parameters)) or 'none'}) "
            f"must be the URI's {{fields}} ({', '.join(sorted(fields)) or 'none'})"
        )
    return McpResource(
        uri=uri,
        fn=fn,
        name=name or getattr(fn, "__name__", uri),
        description=description or first_paragraph(fn),
        mime_type=mime_type,
    )


def mcp_prompt(fn: Callable[..., Any], name: str | None, description: str | None) -> McpPrompt:
    arguments = [
        (p.name, p.default is inspect.Parameter.empty)
        for p in inspect.signature(fn).parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    return McpPrompt(
        name=name or getattr(fn, "__name__", "prompt"),
        fn=fn,
        description=description or first_paragraph(fn),
        arguments=arguments,
    )


def api(
    fn: Callable[..., Any] | None = None,
    *,
    api_name: str | None = None,
    api_description: str | None = None,
    concurrency_limit: ConcurrencyLimit = "default",
) -> Any:
    """`@mountui.api` inside `with mountui.Blocks() as demo:`: the same as `demo.api`."""
    from mountui.blocks import current_root

    root = current_root()
    if root is None:
        raise ConfigError("use @mountui.api inside `with mountui.Blocks() as demo:`, or call demo.api(fn)")
    return root.api(
        fn, api_name=api_name, api_description=api_description, concurrency_limit=concurrency_limit
    )
