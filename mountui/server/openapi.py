"""The OpenAPI 3.1 document of a mounted UI (`P/openapi.json`): its call endpoints, uploads and streams."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mountui.server.api_docs import Endpoint, Value

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "machine-readable, such as validation_error"},
                "message": {"type": "string", "description": "what went wrong, for people"},
            },
        }
    },
}
_ERRORS = {
    "400": "The body is not JSON, or a value has the wrong type or number (`invalid_json`, `validation_error`)",
    "401": "Not signed in (`unauthorized`)",
    "403": "The session, call or file belongs to another user (`forbidden`)",
    "404": "No such call or file (`not_found`)",
    "413": "The body or a file is over the size limit (`payload_too_large`)",
    "429": "Too many requests (`rate_limited`); try again after `Retry-After` seconds",
    "500": "The function raised an error (`app_error`, `internal_error`)",
    "503": "The queue is full (`queue_full`); try again soon",
}
_SSE_DESCRIPTION = (
    "Sent instead of JSON when the request has `Accept: text/event-stream`: Server-Sent Events named "
    "`queued` (`event_id`, `position`), `started` (`event_id`), `progress`, `output` (`data`: a partial "
    "result), then `complete` (`data`: the result) or `error` (`code`, `message`). Each event has an "
    "`id: <event_id>:<n>`; resume a dropped stream with `GET api/events/{event_id}` and `Last-Event-ID`."
)


def _hoist(schema: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """Move a schema's `$defs` into the document's shared schemas and point its `$ref`s there."""
    schema = copy.deepcopy(schema)
    renames: dict[str, str] = {}
    for name, definition in schema.pop("$defs", {}).items():
        target, n = name, 2
        while target in shared and shared[target] != definition:
            target, n = f"{name}{n}", n + 1
        shared[target] = definition
        renames[name] = target

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                node = {**node, "$ref": "#/components/schemas/" + renames.get(ref[8:], ref[8:])}
            return {k: rewrite(v) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    return rewrite(schema)


def _tuple_schema(values: list[Value], shared: dict[str, Any], what: str) -> dict[str, Any]:
    items = []
    for value in values:
        item = _hoist(value.schema, shared)
        item.setdefault("title", value.label or value.name)
        items.append(item)
    return {
        "type": "object",
        "required": ["data"],
        "properties": {
            "data": {
                "type": "array",
                "description": f"one value per {what}, in this order",
                "prefixItems": items,
                "minItems": len(items),
                "maxItems": len(items),
            }
        },
    }


def _errors(*statuses: str) -> dict[str, Any]:
    return {status: {"$ref": f"#/components/responses/E{status}"} for status in statuses}


def openapi_document(
    title: str,
    version: str,
    server_url: str,
    endpoints: list[Endpoint],
    auth_required: bool,
    cookie_name: str | None,
    max_files: int = 20,
    accepts_files: bool = True,
) -> dict[str, Any]:
    shared: dict[str, Any] = {"Error": _ERROR_SCHEMA}
    guarded = ("401",) if auth_required else ()
    paths: dict[str, Any] = {}
    for ep in endpoints:
        paths[f"/api/{ep.name}"] = {
            "post": {
                "operationId": ep.name,
                "summary": ep.description or f"Call {ep.name}",
                "tags": ["endpoints"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _tuple_schema(ep.parameters, shared, "parameter")}
                    },
                },
                "responses": {
                    "200": {
                        "description": "The result, or its event stream",
                        "content": {
                            "application/json": {"schema": _tuple_schema(ep.returns, shared, "output")},
                            "text/event-stream": {
                                "schema": {"type": "string", "description": _SSE_DESCRIPTION}
                            },
                        },
                    },
                    **_errors("400", *guarded, "403", "413", "429", "500", "503"),
                },
            }
        }
    event_id = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "string"}}
    paths["/api/events/{event_id}"] = {
        "get": {
            "operationId": "events",
            "summary": "Follow a call's events; with Last-Event-ID, resume after that event",
            "tags": ["calls"],
            "parameters": [
                event_id,
                {
                    "name": "Last-Event-ID",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "description": "<event_id>:<n>"},
                },
            ],
            "responses": {
                "200": {
                    "description": "The event stream",
                    "content": {
                        "text/event-stream": {"schema": {"type": "string", "description": _SSE_DESCRIPTION}}
                    },
                },
                **_errors("400", *guarded, "403", "404"),
            },
        },
        "delete": {
            "operationId": "cancel",
            "summary": "Cancel a call",
            "tags": ["calls"],
            "parameters": [event_id],
            "responses": {
                "200": {
                    "description": "Whether a running or waiting call was cancelled",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["cancelled"],
                                "properties": {"cancelled": {"type": "boolean"}},
                            }
                        }
                    },
                },
                **_errors(*guarded, "403", "404"),
            },
        },
    }
    file_info = {
        "type": "object",
        "required": ["id", "name", "size", "mime_type", "url"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "size": {"type": "integer"},
            "mime_type": {"type": "string"},
            "url": {"type": "string"},
        },
    }
    shared["UploadedFile"] = file_info
    paths["/upload"] = {
        "post": {
            "operationId": "upload",
            "summary": 'Upload files; pass {"id": ...} of each as a file parameter',
            "tags": ["files"],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["files"],
                            "additionalProperties": False,
                            "properties": {
                                "files": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": max_files,
                                    "items": {
                                        "type": "string",
                                        "contentMediaType": "application/octet-stream",
                                    },
                                }
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "The stored files",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["files"],
                                "properties": {
                                    "files": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/UploadedFile"},
                                    }
                                },
                            }
                        }
                    },
                },
                **_errors("400", *guarded, "413"),
            },
        }
    }
    responses = {}
    for status, description in _ERRORS.items():
        response: dict[str, Any] = {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        if status in ("429", "503"):
            response["headers"] = {"Retry-After": {"schema": {"type": "string"}, "required": False}}
        responses[f"E{status}"] = response
    components: dict[str, Any] = {"schemas": shared, "responses": responses}
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Call this app's functions over HTTP. A readable guide with snippets is at `docs`.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": components,
    }
    if cookie_name:
        components["securitySchemes"] = {
            "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": cookie_name,
                "description": "The session cookie set by `POST login` (form fields username, password)",
            }
        }
        document["security"] = [{"session": []}]
    if not accepts_files:
        del paths["/upload"]  # only apps with a file input take uploads
    return document
