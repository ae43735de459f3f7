"""The API of a mounted UI described three ways: `P/api_info` (for the Python client), `P/openapi.json`
(OpenAPI 3.1, for any tool) and `P/docs` (the "Use via API" page with snippets that run when pasted).

All three come from one description of the endpoints whose `api_name` is not False, built once per app.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from mountui._version import __version__
from mountui.components import Component
from mountui.errors import CallError
from mountui.events import Dependency
from mountui.http.responses import NO_STORE, JSONResponse
from mountui.http.urls import public_url
from mountui.server.api_page import DOCS_HEADERS, render_docs_page
from mountui.server.api_snippets import AuthKind
from mountui.server.openapi import openapi_document

if TYPE_CHECKING:
    from mountui.server.app import UIApp


@dataclass(frozen=True)
class Value:
    """One parameter or one returned value of an endpoint."""

    name: str
    label: str
    component: str
    schema: dict[str, Any]
    python_type: str
    file: str | None  # None, "single" or "multiple"
    has_default: bool = False
    default: Any = None
    example: Any = None

    def info(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "component": self.component,
            "type": self.python_type,
            "schema": self.schema,
            "file": self.file,
            "has_default": self.has_default,
            "default": self.default,
            "example": self.example,
        }


@dataclass(frozen=True)
class Endpoint:
    name: str
    description: str
    stream: bool
    parameters: list[Value]
    returns: list[Value]

    def info(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": f"/api/{self.name}",
            "description": self.description,
            "stream": self.stream,
            "parameters": [p.info() for p in self.parameters],
            "returns": [r.info() for r in self.returns],
        }


_IDENTIFIER = re.compile(r"[^0-9A-Za-z_]+")


def _identifier(text: str, taken: set[str]) -> str:
    name = _IDENTIFIER.sub("_", text).strip("_").lower() or "value"
    if name[0].isdigit() or keyword.iskeyword(name) or name == "api_name":
        name = f"value_{name}"
    base, n = name, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def python_type(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> str:
    """A short, Python-flavoured name of a JSON Schema, for people reading the docs."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = defs.get(name, {})
        return "file" if name == "FileRef" else python_type(target, defs) if target else "dict"
    if "enum" in schema:
        return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
    if "anyOf" in schema:
        return " | ".join(dict.fromkeys(python_type(s, defs) for s in schema["anyOf"]))
    kind = schema.get("type")
    if kind == "array":
        return f"list[{python_type(schema.get('items', {}), defs)}]"
    if kind == "object":
        keys = list(schema.get("properties", {}))
        return f"dict({', '.join(keys)})" if keys else "dict"
    names = {"string": "str", "number": "float", "integer": "int", "boolean": "bool", "null": "None"}
    return names.get(kind, "Any") if isinstance(kind, str) else "Any"


def _example_from_schema(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return _example_from_schema(defs.get(schema["$ref"].rsplit("/", 1)[-1], {}), defs)
    if schema.get("enum"):
        return schema["enum"][0]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _example_from_schema(options[0], defs) if options else None
    kind = schema.get("type")
    if kind == "string":
        return "Hello!!"[: schema.get("maxLength", 7)]
    if kind in ("number", "integer"):
        low, high = schema.get("minimum"), schema.get("maximum")
        value = low if low is not None else (high if high is not None and high < 3 else 3)
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    if kind == "array":
        items = schema.get("items")
        return [_example_from_schema(items, defs)] if items else []
    if kind == "object":
        properties = schema.get("properties", {})
        required = schema.get("required", list(properties))  # only what a caller must send
        return {k: _example_from_schema(s, defs) for k, s in properties.items() if k in required}
    return {"key": "value"}


def _example(component: Component, schema: dict[str, Any]) -> Any:
    value = component.api_example()
    if value in (None, "", [], {}):
        return _example_from_schema(schema, schema.get("$defs", {}))
    return value


def _describe_value(component: Component, name: str, is_input: bool) -> Value:
    schema = component.json_schema()
    default: Any = None
    has_default = False
    if is_input:
        default = component.api_default()
        has_default = default is not None
    return Value(
        name=name,
        label=component.label or "",
        component=component.block_type,
        schema=schema,
        python_type=python_type(schema),
        file=component.api_file_kind(),
        has_default=has_default,
        default=default,
        example=_example(component, schema) if is_input else None,
    )


def describe_endpoint(dep: Dependency) -> Endpoint:
    fn_names = dep.spec.input_names
    taken: set[str] = set()
    parameters = []
    for index, component in enumerate(dep.inputs):
        wanted = fn_names[index] if index < len(fn_names) else component.api_label()
        name = _identifier(wanted, taken)
        if not component.server_side:
            parameters.append(_describe_value(component, name, is_input=True))
    returns = [
        _describe_value(c, _identifier(c.api_label(), set()), is_input=False) for c in dep.wire_outputs
    ]
    doc = (dep.description or (getattr(dep.fn, "__doc__", None) or "")).strip()
    return Endpoint(
        name=dep.endpoint,
        description=doc.split("\n\n", 1)[0].strip(),
        stream=dep.streams,
        parameters=parameters,
        returns=returns,
    )


class ApiDocs:
    """The three API routes of one app; the description is built once, URLs per request."""

    def __init__(self, ui: UIApp) -> None:
        self.ui = ui
        self.endpoints = [describe_endpoint(d) for d in ui.blocks.dependencies if d.show_api]
        settings = ui.settings
        self.auth = AuthKind(
            password=settings.auth is not None,
            oauth=settings.oauth is not None,
            host=settings.auth_dependency is not None,
        )

    def routes(self) -> list[Route]:
        return [
            Route("/api_info", self.api_info, methods=["GET"]),
            Route("/openapi.json", self.openapi, methods=["GET"]),
            Route("/docs", self.docs, methods=["GET"]),
        ]

    def _check_published(self) -> None:
        if not self.ui.settings.show_api:
            raise CallError(
                404, "not_found", "this app does not publish its API documentation (show_api=False)"
            )

    def _cookie_name(self, request: Request) -> str | None:
        for source in self.ui.sources:
            sessions = getattr(source, "sessions", None)
            if sessions is not None and hasattr(sessions, "cookie_name"):
                return str(sessions.cookie_name(request))
        return None

    async def api_info(self, request: Request) -> Response:
        return JSONResponse(
            {
                "title": self.ui.blocks.title,
                "version": __version__,
                "auth": self.auth.names(),
                "endpoints": [ep.info() for ep in self.endpoints],
            },
            headers=NO_STORE,
        )

    async def openapi(self, request: Request) -> Response:
        self._check_published()
        document = openapi_document(
            self.ui.blocks.title,
            __version__,
            public_url(request.scope, ""),
            self.endpoints,
            self.ui.authenticator.required,
            self._cookie_name(request),
            self.ui.settings.max_files_per_upload,
            self.ui.accepts_files,
        )
        return JSONResponse(document, headers=NO_STORE)

    async def docs(self, request: Request) -> Response:
        self._check_published()
        theme = request.query_params.get("__theme")
        mcp = ""
        if self.ui.settings.mcp_server:
            from mountui.server.mcp.page import render_config_section

            mcp = render_config_section(self.ui.blocks.title, public_url(request.scope, "/mcp"))
        page = render_docs_page(
            self.ui.blocks.title, public_url(request.scope, "/"), self.endpoints, self.auth, theme, mcp
        )
        return HTMLResponse(page, headers=DOCS_HEADERS)
