"""MCP resources (`@demo.mcp_resource(uri)`) and prompts (`@demo.mcp_prompt()`) of an app.

Their functions are called like every user callback (async on the loop, sync in a worker thread); they are
small lookups, not queued work, so they do not take a place in an endpoint's queue. Each read counts against
the app-wide `rate_limit`, like a call (`admit`).
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Awaitable, Callable
from typing import Any

import mcp_types as types
import orjson
from mcp.shared.exceptions import MCPError

from mountui.blocks import Blocks
from mountui.calling import call_callback
from mountui.errors import Error


class ResourcesAndPrompts:
    def __init__(self, blocks: Blocks, admit: Callable[[Any, str], Awaitable[None]]) -> None:
        self.resources = list(blocks.mcp_resources)
        self.prompts = {p.name: p for p in blocks.mcp_prompts}
        self.admit = admit  # (ctx, what): raises an MCPError when the caller may not run app code now

    def handlers(self) -> dict[str, Any]:
        """The low-level Server's handlers; none for what the app does not offer (nor its capability)."""
        found: dict[str, Any] = {}
        if self.resources:
            found.update(
                on_list_resources=self._list_resources,
                on_list_resource_templates=self._list_templates,
                on_read_resource=self._read_resource,
            )
        if self.prompts:
            found.update(on_list_prompts=self._list_prompts, on_get_prompt=self._get_prompt)
        return found

    async def _list_resources(self, ctx: Any, params: Any) -> types.ListResourcesResult:
        return types.ListResourcesResult(
            resources=[
                types.Resource(
                    uri=r.uri, name=r.name, description=r.description or None, mime_type=r.mime_type
                )
                for r in self.resources
                if not r.is_template
            ]
        )

    async def _list_templates(self, ctx: Any, params: Any) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(
            resource_templates=[
                types.ResourceTemplate(
                    uri_template=r.uri, name=r.name, description=r.description or None, mime_type=r.mime_type
                )
                for r in self.resources
                if r.is_template
            ]
        )

    async def _read_resource(
        self, ctx: Any, params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        uri = str(params.uri)
        for resource in self.resources:
            arguments = resource.match(uri)
            if arguments is None:
                continue
            await self.admit(ctx, f"MCP resource {resource.name}")
            value = await _call(functools.partial(resource.fn, **arguments))
            if isinstance(value, bytes | bytearray):
                blob = base64.b64encode(bytes(value)).decode()
                contents: Any = types.BlobResourceContents(uri=uri, mime_type=resource.mime_type, blob=blob)
            elif isinstance(value, str):
                contents = types.TextResourceContents(uri=uri, mime_type=resource.mime_type, text=value)
            else:
                text = orjson.dumps(value).decode()
                contents = types.TextResourceContents(uri=uri, mime_type="application/json", text=text)
            return types.ReadResourceResult(contents=[contents])
        raise MCPError(types.INVALID_PARAMS, f"no resource {uri!r} in this app")

    async def _list_prompts(self, ctx: Any, params: Any) -> types.ListPromptsResult:
        return types.ListPromptsResult(
            prompts=[
                types.Prompt(
                    name=p.name,
                    description=p.description or None,
                    arguments=[types.PromptArgument(name=n, required=r) for n, r in p.arguments],
                )
                for p in self.prompts.values()
            ]
        )

    async def _get_prompt(self, ctx: Any, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        prompt = self.prompts.get(params.name)
        if prompt is None:
            raise MCPError(types.INVALID_PARAMS, f"no prompt named {params.name!r}")
        arguments = dict(params.arguments or {})
        missing = [n for n, required in prompt.arguments if required and n not in arguments]
        unknown = set(arguments) - {n for n, _ in prompt.arguments}
        if missing or unknown:
            raise MCPError(
                types.INVALID_PARAMS,
                f"{prompt.name} takes {', '.join(n for n, _ in prompt.arguments) or 'no arguments'}",
            )
        await self.admit(ctx, f"MCP prompt {prompt.name}")
        value = await _call(functools.partial(prompt.fn, **arguments))
        items = value if isinstance(value, list) else [value]
        messages = []
        for item in items:
            role, text = ("user", item) if isinstance(item, str) else (item["role"], item["content"])
            messages.append(types.PromptMessage(role=role, content=types.TextContent(type="text", text=text)))
        return types.GetPromptResult(description=prompt.description or None, messages=messages)


async def _call(fn: Any) -> Any:
    try:
        return await call_callback(fn)
    except Error as exc:  # mountui.Error: a message meant for the caller
        raise MCPError(types.INTERNAL_ERROR, exc.message) from None
