"""The MCP tools of an app: one per endpoint with `show_api`, described from the same component schemas as
`api_info` and OpenAPI, and their arguments turned into the wire values the pipeline validates.

A file argument is a `P/file/{id}` URL of this app (a file it produced or an upload of the same caller),
or `{"name", "data"}` with the bytes in base64. No other URL is accepted: the server never fetches one.
"""

from __future__ import annotations

import base64
import binascii
import copy
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import anyio.to_thread

from mountui.errors import CallError
from mountui.events import Dependency
from mountui.server.api_docs import Endpoint, Value, describe_endpoint
from mountui.server.mcp.docstrings import describe_function

if TYPE_CHECKING:
    from mountui.server.files import FileStore

_FILE_URL = {
    "type": "string",
    "description": "the URL of a file of this app (…/file/<id>, as returned by a call or an upload)",
}
_FILE_DATA = {
    "type": "object",
    "description": "a file's content",
    "properties": {
        "name": {"type": "string", "description": "the file's name, such as photo.png"},
        "data": {"type": "string", "contentEncoding": "base64", "description": "the bytes, in base64"},
    },
    "required": ["name", "data"],
}


def _file_schema(value: Value) -> dict[str, Any]:
    one = {"anyOf": [_FILE_URL, _FILE_DATA]}
    if value.file == "multiple":
        return {"type": "array", "items": one}
    return {"anyOf": [_FILE_URL, _FILE_DATA, {"type": "null"}]}


def _merge_defs(schema: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """Move a schema's `$defs` to the tool's input schema (its `$ref`s already point at `#/$defs/...`)."""
    schema = copy.deepcopy(schema)
    for name, definition in schema.pop("$defs", {}).items():
        if shared.setdefault(name, definition) != definition:
            raise ValueError(f"two arguments define {name!r} differently")
    return schema


@dataclass(frozen=True)
class Tool:
    """One endpoint as an MCP tool."""

    dep: Dependency
    endpoint: Endpoint
    description: str
    input_schema: dict[str, Any]

    @property
    def name(self) -> str:
        return self.endpoint.name


def describe_tool(dep: Dependency) -> Tool:
    endpoint = describe_endpoint(dep)
    description, documented = describe_function(dep.fn, dep.description)
    shared: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for value in endpoint.parameters:
        schema = _file_schema(value) if value.file else _merge_defs(value.schema, shared)
        schema.pop("title", None)
        text = documented.get(value.name) or value.label
        if text:
            schema["description"] = text
        if value.has_default:
            schema["default"] = value.default
        else:
            required.append(value.name)
        properties[value.name] = schema
    input_schema: dict[str, Any] = {"type": "object", "properties": properties, "required": required}
    if shared:
        input_schema["$defs"] = shared
    if not description:
        description = f"Call {endpoint.name} of this app"
    return Tool(dep=dep, endpoint=endpoint, description=description, input_schema=input_schema)


class ToolArguments:
    """Turns a tool call's arguments into the wire values of `P/api/{name}` for one caller."""

    def __init__(self, files: FileStore, max_file_size: int, max_upload_storage: int) -> None:
        self.files = files
        self.max_file_size = max_file_size
        self.max_upload_storage = max_upload_storage

    async def wire_values(
        self, tool: Tool, arguments: dict[str, Any] | None, owner: str | None, base_url: str
    ) -> list[Any]:
        arguments = dict(arguments or {})
        known = {p.name for p in tool.endpoint.parameters}
        unknown = sorted(set(arguments) - known)
        if unknown:
            raise CallError(
                400,
                "validation_error",
                f"{tool.name} takes no argument {', '.join(unknown)}; it takes {', '.join(known) or 'none'}",
            )
        values = []
        for value in tool.endpoint.parameters:
            if value.name in arguments:
                given = arguments[value.name]
            elif value.has_default:
                given = value.default
            else:
                raise CallError(400, "validation_error", f"{tool.name} needs the argument {value.name!r}")
            if value.file and given is not None:
                items = given if isinstance(given, list) else [given]
                refs = [await self._file_ref(value.name, item, owner, base_url) for item in items]
                given = refs if value.file == "multiple" else refs[0]
            values.append(given)
        return values

    async def _file_ref(self, name: str, item: Any, owner: str | None, base_url: str) -> dict[str, Any]:
        if isinstance(item, str):
            return {"id": await self._file_id_from_url(name, item, owner, base_url)}
        if isinstance(item, dict) and isinstance(item.get("data"), str):
            try:
                data = base64.b64decode(item["data"], validate=True)
            except (binascii.Error, ValueError):
                raise CallError(400, "validation_error", f"{name}: data is not valid base64") from None
            if len(data) > self.max_file_size:
                raise CallError(413, "payload_too_large", f"{name} is over max_file_size")
            if not self.files.room_for(len(data), self.max_upload_storage):
                raise CallError(507, "storage_full", "the app's upload storage is full; try again later")
            file_name = str(item.get("name") or "file")
            stored = await anyio.to_thread.run_sync(
                self.files.add_stream, io.BytesIO(data), file_name, owner, None
            )
            return {"id": stored.id}
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            return {"id": item["id"]}  # a file value as the HTTP API returns it
        raise CallError(
            400,
            "validation_error",
            f"{name}: give a file URL of this app, or {{'name': ..., 'data': base64}}",
        )

    async def _file_id_from_url(self, name: str, url: str, owner: str | None, base_url: str) -> str:
        # Only this app's own file URLs, and only the id is used: nothing is ever fetched.
        parts, base = urlsplit(url), urlsplit(base_url)
        own_path = base.path.rstrip("/") + "/file/"
        same_site = not parts.netloc or (parts.scheme, parts.netloc) == (base.scheme, base.netloc)
        file_id = parts.path[len(own_path) :] if parts.path.startswith(own_path) else ""
        if not same_site or not file_id or "/" in file_id or parts.query:
            raise CallError(
                400,
                "validation_error",
                f"{name}: {url[:100]!r} is not a file of this app; send the file's content as "
                "{'name': ..., 'data': base64} instead (this server never downloads from other addresses)",
            )
        await self.files.fetch(file_id, owner)  # 404 or 403 now, before the call is queued
        return file_id
