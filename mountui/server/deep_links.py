"""Deep links: the values of a page saved in the store under an unguessable id, shown again at `P/?deep_link=<id>`.

`POST P/deep_link` takes `{"values": {"<component id>": wire value, ...}}`. Nothing the page sends is trusted: each value is validated against its component's schema and
turned by the component into what the link keeps (`Component.snapshot`: chat messages without their HTML,
Markdown sanitized again, files checked against the caller and kept by the link). Opening the link, the
server renders each kept value again (`Component.restore`) into the page's configuration.

Files: each file of the snapshot is shared into a new file owned by the link itself (a hard link, so no
bytes are copied), expiring with it. `GET P/file/<id>?deep_link=<link id>` serves it to whoever holds the
link (and passes the app's sign-in), and to nobody else: the caller who made the link keeps only their own
file, with its own expiry. Its wire value carries that URL, so a link holder may also send it back as an input
of a call (`CallContext.file_input`), or share it again in a new link: the pair (file id, link id) is
what the link gave them.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import anyio.to_thread
import orjson
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mountui.auth.identity import ANONYMOUS
from mountui.components import Component
from mountui.errors import CallError
from mountui.http.bodies import read_json
from mountui.http.responses import NO_STORE, JSONResponse
from mountui.http.urls import public_base_path, public_url
from mountui.server.files import FileStore, StoredFile

if TYPE_CHECKING:
    from mountui.server.app import UIApp

logger = logging.getLogger("mountui")

EXPIRED_NOTICE = "This shared link has expired or does not exist, so the app opened as new."


def link_owner(link_id: str) -> str:
    """The owner of a link's files. The NUL keeps it apart from every username a sign-in can produce."""
    return f"\x00deep-link:{link_id}"


def valid_link_id(link_id: str) -> bool:
    return 16 <= len(link_id) <= 64 and all(c.isalnum() or c in "-_" for c in link_id)


def link_of(ref: dict[str, Any]) -> str | None:
    """The link a file value came from: its `url` is `P/file/<id>?deep_link=<link id>` when a link kept it."""
    url = ref.get("url")
    if not isinstance(url, str):
        return None
    found = parse_qs(urlsplit(url).query).get("deep_link")
    return found[0] if found and valid_link_id(found[0]) else None


class LinkFiles:
    """`DeepLinkFiles` for one snapshot (keep) or one restore (show). Blocking: used from a worker thread."""

    def __init__(self, files: FileStore, link_id: str, ttl: float, caller: str | None) -> None:
        self.files, self.link_id, self.ttl, self.caller = files, link_id, ttl, caller
        self.kept: list[StoredFile] = []
        self.base_path = ""

    def keep(self, ref: dict[str, Any]) -> dict[str, Any]:
        file_id = str(ref["id"])
        try:
            stored = self.files.get(file_id, self.caller)
        except CallError as refused:
            # A page opened from a link may share that link's files again (their URL names it).
            opened_from = link_of(ref)
            if refused.status != 403 or opened_from is None:
                raise
            stored = self.files.get(file_id, link_owner(opened_from))
        shared = self.files.share(stored, link_owner(self.link_id), self.ttl)
        self.kept.append(shared)
        return {"id": shared.id}

    def show(self, ref: dict[str, Any]) -> dict[str, Any] | None:
        try:
            stored = self.files.get(str(ref["id"]), link_owner(self.link_id))
        except CallError:
            return None  # gone (expired with the link, or the server's files were cleared)
        wire = stored.wire(self.base_path)
        wire["url"] += f"?deep_link={self.link_id}"
        return wire

    def discard(self) -> None:
        for stored in self.kept:
            self.files.remove(stored.id)


class DeepLinks:
    def __init__(self, ui: UIApp) -> None:
        self.ui = ui
        self.settings = ui.settings
        self.store = ui.store
        self.files = ui.files
        self.components: dict[int, Component] = {
            b.id: b for b in ui.blocks.blocks.values() if isinstance(b, Component) and b.shareable()
        }
        self._threaded = any(c.handles_files for c in self.components.values())

    def routes(self) -> list[Route]:
        return [Route("/deep_link", self.create, methods=["POST"])]

    @staticmethod
    def key(link_id: str) -> str:
        return f"deep_link:{link_id}"

    # --- saving ---
    async def create(self, request: Request) -> Response:
        body = await read_json(request, self.settings.max_body_size)
        values = body.get("values") if isinstance(body, dict) else None
        if not isinstance(values, dict):
            raise CallError(
                400, "validation_error", 'the body must be {"values": {"<component id>": value, ...}}'
            )
        checked = self._validate(values)
        link_id = secrets.token_urlsafe(24)  # 192 bits
        username = request.scope.get("mountui.identity", ANONYMOUS).username
        ttl = self.settings.deep_link_ttl
        files = LinkFiles(self.files, link_id, ttl, username)

        def snapshot() -> dict[str, Any]:
            kept: dict[str, Any] = {}
            try:
                for component, value in checked:
                    kept[str(component.id)] = {
                        "type": component.block_type,
                        "value": component.snapshot(value, files),
                    }
            except BaseException:
                files.discard()
                raise
            return kept

        kept = await anyio.to_thread.run_sync(snapshot) if self._threaded else snapshot()
        record = {"values": kept, "files": [f.id for f in files.kept]}
        if len(orjson.dumps(record)) > self.settings.deep_link_max_size:
            files.discard()
            raise CallError(
                413,
                "payload_too_large",
                f"the page's values are over deep_link_max_size ({self.settings.deep_link_max_size} bytes)",
            )
        await self.store.set(self.key(link_id), record, ttl)
        url = public_url(request.scope, f"/?deep_link={link_id}")
        return JSONResponse({"id": link_id, "url": url}, headers=NO_STORE)

    def _validate(self, values: dict[str, Any]) -> list[tuple[Component, Any]]:
        checked = []
        for key, value in values.items():
            component = self.components.get(int(key)) if key.isdigit() else None
            if component is None:
                if key.isdigit() and int(key) in self.ui.blocks.blocks:
                    continue  # not shared (State, deep_link=False): left out, as documented
                raise CallError(400, "validation_error", f"no component {key!r} in this app")
            try:
                checked.append((component, component.adapter.validate_python(value, strict=True)))
            except ValidationError as exc:
                problem = exc.errors()[0]["msg"]
                raise CallError(400, "validation_error", f"{component.api_label()}: {problem}") from None
        return checked

    # --- opening ---
    async def restore(self, link_id: str, request: Request) -> tuple[dict[int, Any], str | None]:
        """The values a link kept, rendered again for the page (id -> wire value), or a notice."""
        record = await self.store.get(self.key(link_id)) if valid_link_id(link_id) else None
        if not isinstance(record, dict) or not isinstance(record.get("values"), dict):
            return {}, EXPIRED_NOTICE
        files = LinkFiles(self.files, link_id, 0, None)
        files.base_path = public_base_path(request.scope)

        def render() -> dict[int, Any]:
            shown: dict[int, Any] = {}
            for key, entry in record["values"].items():
                component = self.components.get(int(key)) if key.isdigit() else None
                if component is None or entry.get("type") != component.block_type:
                    continue  # the app changed since the link was made: that value has no place now
                try:
                    shown[component.id] = component.adapter.validate_python(
                        component.restore(entry.get("value"), files)
                    )
                except (ValidationError, ValueError, TypeError, KeyError):
                    logger.warning("mountui: deep link %s: the value of %s no longer fits it", link_id, key)
            return shown

        return (await anyio.to_thread.run_sync(render) if self._threaded else render()), None
