"""The wire protocol as the client sees it, without any I/O: the API description, binding arguments,
files in and out, Server-Sent Events, and the state of a call. `Client` and `AsyncClient` add the I/O.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mountui.client.errors import ClientError, JobCancelledError, NotFoundError, ValidationError, error_for

# --- the API description (GET P/api_info) ----------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str
    description: str
    stream: bool
    parameters: list[dict[str, Any]]
    returns: list[dict[str, Any]]

    @classmethod
    def from_info(cls, info: dict[str, Any]) -> Endpoint:
        return cls(
            name=info["name"],
            description=info.get("description") or "",
            stream=bool(info.get("stream")),
            parameters=list(info.get("parameters", [])),
            returns=list(info.get("returns", [])),
        )

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        """One value per parameter, in order, from positional and keyword arguments (defaults fill gaps)."""
        params = self.parameters
        names = [p["name"] for p in params]
        if len(args) > len(params):
            raise ValidationError(
                f"{self.name} takes {len(params)} parameter(s) ({', '.join(names) or 'none'}), "
                f"got {len(args)} positional value(s)",
                code="validation_error",
            )
        kwargs = dict(kwargs)
        values = list(args)
        for name in names[: len(args)]:
            if name in kwargs:
                raise ValidationError(f"{self.name}: {name} is given twice", code="validation_error")
        for param in params[len(args) :]:
            if param["name"] in kwargs:
                values.append(kwargs.pop(param["name"]))
            elif param.get("has_default"):
                values.append(param.get("default"))
            else:
                raise ValidationError(
                    f"{self.name} needs a value for {param['name']} ({param.get('type', 'Any')})",
                    code="validation_error",
                )
        if kwargs:
            raise ValidationError(
                f"{self.name} has no parameter(s) {', '.join(sorted(kwargs))}; it takes {', '.join(names)}",
                code="validation_error",
            )
        return values

    def signature(self) -> str:
        args = []
        for p in self.parameters:
            default = f" = {p['default']!r}" if p.get("has_default") else ""
            args.append(f"{p['name']}: {_shown_type(p, True)}{default}")
        args.append(f'api_name="{self.name}"')
        results = [_shown_type(r, False) for r in self.returns]
        returned = "None" if not results else results[0] if len(results) == 1 else f"({', '.join(results)})"
        return f"({', '.join(args)}) -> {returned}"


def _shown_type(value: dict[str, Any], is_input: bool) -> str:
    kind = value.get("file")
    if kind:
        one = "str | Path | bytes" if is_input else "str"
        return f"list[{one}]" if kind == "multiple" else one + (" | None" if not is_input else "")
    return str(value.get("type", "Any"))


@dataclass(frozen=True)
class ApiInfo:
    title: str
    auth: list[str]
    endpoints: dict[str, Endpoint]

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> ApiInfo:
        endpoints = [Endpoint.from_info(e) for e in payload.get("endpoints", [])]
        return cls(
            title=str(payload.get("title", "")),
            auth=list(payload.get("auth", [])),
            endpoints={e.name: e for e in endpoints},
        )

    def endpoint(self, api_name: str | None) -> Endpoint:
        if api_name is None:
            if len(self.endpoints) == 1:
                return next(iter(self.endpoints.values()))
            raise ValidationError(
                f"this app has {len(self.endpoints)} endpoints; choose one with api_name= "
                f"({', '.join(self.endpoints) or 'none'})",
                code="validation_error",
            )
        name = api_name.lstrip("/")
        found = self.endpoints.get(name)
        if found is None:
            raise NotFoundError(
                f"no endpoint named {name!r}; this app has {', '.join(self.endpoints) or 'none'}",
                code="unknown_endpoint",
            )
        return found

    def describe(self, url: str) -> str:
        """The text `Client.view_api()` prints: the same information as the docs page."""
        lines = [f"API of {self.title!r} at {url}", f"{len(self.endpoints)} endpoint(s)", ""]
        for ep in self.endpoints.values():
            call = "submit" if ep.stream else "predict"
            lines.append(f"client.{call}{ep.signature()}")
            if ep.description:
                lines.append(f"    {ep.description}")
            if ep.stream:
                lines.append("    streams partial results: iterate the job that client.submit() returns")
            lines.append("    Parameters:")
            for p in ep.parameters or [{"name": "(none)"}]:
                lines.append(f"      {p['name']}: {_detail(p, True)}" if "type" in p else "      (none)")
            lines.append("    Returns:")
            for r in ep.returns or [{}]:
                lines.append(f"      {_detail(r, False)}" if r else "      None")
            lines.append("")
        return "\n".join(lines)


def _detail(value: dict[str, Any], is_input: bool) -> str:
    text = _shown_type(value, is_input)
    where = value.get("component", "")
    if value.get("label"):
        where += f' "{value["label"]}"'
    if is_input:
        text += f" (default {value['default']!r})" if value.get("has_default") else " (required)"
    return f"{text}  [{where}]" if where else text


# --- files --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileSource:
    """A file to upload: a local path, or bytes with a name."""

    name: str
    path: Path | None = None
    content: bytes | None = None


def _as_source(value: Any, param: str) -> FileSource | dict[str, Any]:
    if isinstance(value, dict) and "id" in value:
        return {"id": value["id"]}  # already uploaded
    if isinstance(value, (bytes, bytearray)):
        return FileSource(name="file", content=bytes(value))
    if isinstance(value, (str, os.PathLike)):
        path = Path(value).expanduser()
        if not path.is_file():
            raise ValidationError(f"{param}: no file at {str(path)!r}", code="validation_error")
        return FileSource(name=path.name, path=path)
    raise ValidationError(
        f"{param} takes a local path or bytes, got {type(value).__name__}", code="validation_error"
    )


def file_inputs(ep: Endpoint, values: list[Any]) -> list[Any]:
    """The values with every file parameter's entries turned into FileSource (to upload) or {"id"}."""
    prepared = list(values)
    for index, param in enumerate(ep.parameters):
        kind, value = param.get("file"), values[index]
        if not kind or value is None:
            continue
        if kind == "multiple":
            items = value if isinstance(value, (list, tuple)) else [value]
            prepared[index] = [_as_source(v, param["name"]) for v in items]
        else:
            prepared[index] = _as_source(value, param["name"])
    return prepared


def sources_in(values: list[Any]) -> list[FileSource]:
    found: list[FileSource] = []
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, FileSource):
                found.append(item)
    return found


def replace_sources(values: list[Any], uploaded: Iterable[dict[str, Any]]) -> list[Any]:
    """Put the uploads' `{"id"}` where their FileSource was, in the same order as `sources_in`."""
    refs = iter(uploaded)

    def swap(item: Any) -> Any:
        return {"id": next(refs)["id"]} if isinstance(item, FileSource) else item

    return [[swap(v) for v in value] if isinstance(value, list) else swap(value) for value in values]


def file_refs(ep: Endpoint, data: list[Any]) -> list[dict[str, Any]]:
    """The file values in a result, for downloading."""
    refs = []
    for spec, value in zip(ep.returns, data, strict=False):
        if spec.get("file") and value:
            refs += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]
    return refs


def shape_result(ep: Endpoint, data: list[Any], local_path: Callable[[dict[str, Any]], str]) -> Any:
    """Downloaded files as local paths; one output as itself, several as a tuple, none as None."""
    values = []
    for spec, value in zip(ep.returns, data, strict=False):
        if spec.get("file") and value:
            value = [local_path(v) for v in value] if isinstance(value, list) else local_path(value)
        values.append(value)
    if not values:
        return None
    return values[0] if len(values) == 1 else tuple(values)


def safe_file_name(name: str) -> str:
    """One plain path component: never '.', '..', a separator or a control character (a server may lie)."""
    base = os.path.basename(str(name).replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())[:200].lstrip(".")
    return base or "file"


# --- Server-Sent Events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerEvent:
    event: str
    data: Any
    id: str | None


class SSEDecoder:
    """Feed it lines (without their line ending); it returns an event at each blank line."""

    def __init__(self) -> None:
        self._event = "message"
        self._id: str | None = None
        self._data: list[str] = []

    def line(self, line: str) -> ServerEvent | None:
        if line == "":
            if not self._data:
                self._event = "message"
                return None
            text = "\n".join(self._data)
            try:
                data = json.loads(text)
            except ValueError:
                data = text
            event = ServerEvent(self._event, data, self._id)
            self._event, self._id, self._data = "message", None, []
            return event
        if line.startswith(":"):
            return None  # a heartbeat comment
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id":
            self._id = value
        return None


# --- the state of one call ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JobStatus:
    """Where a call is: `code` is pending, queued, running, finished, failed or cancelled."""

    code: str
    position: int | None = None
    progress: float | None = None
    index: int | None = None
    total: int | None = None
    desc: str | None = None
    unit: str | None = None

    @property
    def done(self) -> bool:
        return self.code in ("finished", "failed", "cancelled")


@dataclass(frozen=True)
class Update:
    """One event of a call: kind is queued, started, progress, output, complete or error."""

    kind: str
    output: Any = None
    status: JobStatus = field(default_factory=lambda: JobStatus("pending"))


@dataclass
class CallState:
    """What the client knows of one call, from its events; the I/O layers feed it."""

    endpoint: Endpoint
    event_id: str | None = None
    last_index: int = -1
    status: JobStatus = field(default_factory=lambda: JobStatus("pending"))
    outputs_seen: int = 0
    final: list[Any] | None = None
    error: ClientError | None = None

    @property
    def done(self) -> bool:
        return self.final is not None or self.error is not None

    def apply(self, event: ServerEvent) -> tuple[str, Any] | None:
        """Take in one event; return (kind, wire data) when it means something to the caller."""
        data = event.data if isinstance(event.data, dict) else {}
        if event.id:
            prefix, _, number = event.id.rpartition(":")
            if number.isdigit() and (self.event_id is None or prefix == self.event_id):
                self.last_index = int(number)
        if data.get("event_id") and self.event_id is None:
            self.event_id = str(data["event_id"])
        kind = event.event
        if kind == "queued":
            self.status = JobStatus("queued", position=data.get("position"))
        elif kind == "started":
            self.status = JobStatus("running")
        elif kind == "progress":
            self.status = JobStatus(
                "running",
                progress=data.get("progress"),
                index=data.get("index"),
                total=data.get("total"),
                desc=data.get("desc"),
                unit=data.get("unit"),
            )
        elif kind == "output":
            self.outputs_seen += 1
            return kind, list(data.get("data", []))
        elif kind == "complete":
            self.final = list(data.get("data", []))
            self.status = JobStatus("finished", progress=1.0)
            return kind, self.final
        elif kind == "error":
            code = str(data.get("code", "error"))
            self.error = error_for(code, str(data.get("message", "the call failed")), 200)
            self.status = JobStatus("cancelled" if code == "cancelled" else "failed")
            return kind, None
        else:
            return None
        return kind, None

    def fail(self, error: ClientError) -> None:
        if not self.done:
            self.error = error
            self.status = JobStatus("cancelled" if isinstance(error, JobCancelledError) else "failed")


def connection_lost(detail: str) -> ClientError:
    return ClientError(f"lost the connection to the app: {detail}", code="connection_error")


# --- URLs and download places -------------------------------------------------------------------------


def normalize_url(url: str) -> str:
    """The app's base URL with one trailing slash: every path of the protocol is relative to it."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"the app's URL starts with http:// or https://, got {url!r}")
    return url.split("#", 1)[0].split("?", 1)[0].rstrip("/") + "/"


def file_url(base: str, ref: dict[str, Any]) -> str:
    """Where to download a file: its `url` when it is on the app's own origin, else `file/{id}`."""
    from urllib.parse import quote, urljoin, urlsplit

    fallback = base + "file/" + quote(str(ref["id"]), safe="")
    url = ref.get("url")
    if not isinstance(url, str):
        return fallback
    joined = urljoin(base, url)
    same = urlsplit(joined)[:2] == urlsplit(base)[:2]
    # Credentials (headers=) must never go to another host a server names.
    return joined if same else fallback


def download_target(root: Path, ref: dict[str, Any]) -> Path:
    folder = root / safe_file_name(str(ref["id"]))
    return folder / safe_file_name(str(ref.get("name") or ref["id"]))


SSE_HEADERS = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
MAX_RESUMES = 5


def resume_delay(failures: int) -> float:
    return min(0.2 * 2**failures, 3.0)
