"""A tool call, run like every other call: through the pipeline (queue, limits), read from its event log.

Progress updates and a generator's partial outputs become MCP progress notifications; the last value is the
result. A cancelled MCP request (the client's `notifications/cancelled`, or its connection closing) cancels
the call. Errors of the pipeline (queue full, rate limited, invalid values) are tool errors (`isError`).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import mcp_types as types
import orjson

from mountui.errors import CallError
from mountui.http.urls import public_origin
from mountui.server.call_log import decoded
from mountui.server.jobs import Caller, Job
from mountui.server.mcp.tools import Tool, ToolArguments

if TYPE_CHECKING:
    from mountui.server.app import UIApp

logger = logging.getLogger("mountui")

Report = Callable[[float, float | None, str | None], Awaitable[None]]


def error_result(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def _image_type(data: bytes) -> str | None:
    """The type of a raster image an MCP client can show (never SVG: it is a document that can run script)."""
    for signature, mime in _SIGNATURES:
        if data.startswith(signature):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


INLINE_IMAGE_MAX = 5 * 1024 * 1024  # an image result up to this size is image content; larger, a link


class ToolRunner:
    def __init__(self, ui: UIApp) -> None:
        self.ui = ui
        self.arguments = ToolArguments(ui.files, ui.settings.max_file_size, ui.settings.max_upload_storage)
        # Running calls by (caller, client address, MCP request id): a stateless server hears a client's
        # `notifications/cancelled` in another HTTP request than the call's.
        self.running: dict[tuple[str, str, str], Job] = {}
        ui.pipeline.cluster.handlers["mcp_cancel"] = self._cancel_signalled

    async def run(
        self,
        tool: Tool,
        arguments: dict[str, Any] | None,
        caller: Caller,
        key: tuple[str, str, str],
        report: Report,
    ) -> types.CallToolResult:
        pipeline = self.ui.pipeline
        origin = public_origin(caller.request.scope)
        try:
            wire = await self.arguments.wire_values(
                tool, arguments, caller.username, origin + caller.base_path
            )
            values = pipeline.validate(tool.dep, {"data": wire})
            job = await pipeline.start(tool.dep, values, caller, stream=True)
        except CallError as exc:
            return error_result(exc.message)
        self.running.setdefault(key, job)
        try:
            outcome = await self._follow(job, report)
        except BaseException:
            pipeline.cancel(job)  # the MCP request was cancelled, or its connection closed
            raise
        finally:
            if self.running.get(key) is job:
                del self.running[key]
        event, data = outcome
        if event != "complete":
            return error_result(data.get("message") or data.get("code", "the call failed"))
        return await self._result(tool, data["data"], caller.username, origin)

    def cancel(self, key: tuple[str, str, str]) -> None:
        job = self.running.get(key)
        if job is not None:
            self.ui.pipeline.cancel(job)
        elif self.ui.pipeline.cluster.shared:  # the call may run on another worker: tell them all
            self.ui.pipeline.cluster.send("mcp_cancel", key=list(key))

    def _cancel_signalled(self, message: dict[str, Any]) -> None:
        key = message.get("key")
        if isinstance(key, list) and len(key) == 3 and (job := self.running.get(tuple(map(str, key)))):
            self.ui.pipeline.cancel(job)

    async def _follow(self, job: Job, report: Report) -> tuple[str, dict[str, Any]]:
        pipeline, store = self.ui.pipeline, self.ui.store
        index, outputs = -1, 0
        outcome: tuple[str, dict[str, Any]] | None = None
        pipeline.attach(job)
        try:
            while outcome is None:
                read = await store.log_read(job.event_id, index, timeout=self.ui.settings.heartbeat_interval)
                for event, data in map(decoded, read.items):
                    if event == "progress":
                        await self._report_progress(data, report)
                    elif event == "output":
                        outputs += 1
                        await report(float(outputs), None, " | ".join(_text(v) for v in data["data"])[:500])
                    elif event in ("complete", "error"):
                        outcome = (event, data)
                if read.items:
                    index = read.first + len(read.items) - 1
                if read.closed and outcome is None:
                    outcome = (
                        job.done.result() if job.done.done() else ("error", {"message": "the call ended"})
                    )
        finally:
            pipeline.detach(job)
        return outcome

    @staticmethod
    async def _report_progress(data: dict[str, Any], report: Report) -> None:
        desc = data.get("desc")
        if data.get("index") is not None:
            await report(float(data["index"]), data.get("total"), desc)
        elif data.get("progress") is not None:
            await report(float(data["progress"]), 1.0, desc)
        elif desc:
            await report(0.0, None, desc)

    async def _result(
        self, tool: Tool, data: list[Any], owner: str | None, origin: str
    ) -> types.CallToolResult:
        content: list[Any] = []
        for value, returned in zip(data, tool.endpoint.returns, strict=False):
            if returned.file and value is not None:
                for item in value if isinstance(value, list) else [value]:
                    content.append(await self._file_content(item, owner, origin))
            elif value is not None:
                content.append(types.TextContent(type="text", text=_text(value)))
        return types.CallToolResult(content=content)

    async def _file_content(self, item: dict[str, Any], owner: str | None, origin: str) -> Any:
        mime = str(item.get("mime_type") or "application/octet-stream")
        size = item.get("size")
        if (mime.startswith("image/") or mime == "application/octet-stream") and (
            isinstance(size, int) and size <= INLINE_IMAGE_MAX
        ):
            # Bytes a function returned have no name to tell their type: an image is known by its first bytes,
            # and only a small one is sent inline (larger ones are links, read by the client when it wants).
            stored = await self.ui.files.fetch(str(item["id"]), owner)
            data = await anyio.to_thread.run_sync(stored.path.read_bytes)
            image_type = _image_type(data)
            if image_type is not None:
                return types.ImageContent(
                    type="image", data=base64.b64encode(data).decode(), mime_type=image_type
                )
        return types.ResourceLink(
            type="resource_link",
            uri=origin + item["url"],
            name=str(item.get("name") or "file"),
            mime_type=mime,
            size=item.get("size"),
        )
