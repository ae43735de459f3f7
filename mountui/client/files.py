"""Files through the client: local paths or bytes to upload, file results to download, and safe names
for what the server sends back.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mountui.client.api_info import Endpoint
from mountui.client.errors import ValidationError
from mountui.filenames import safe_file_name


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


def download_name(name: str) -> str:
    """One plain path component that fits on disk, never hidden (a server may send any name at all)."""
    return safe_file_name(name).lstrip(".") or "file"


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
    folder = root / download_name(str(ref["id"]))
    return folder / download_name(str(ref.get("name") or ref["id"]))
