"""Files by opaque id: uploads and files functions return, on local disk, never by a client's path."""

from __future__ import annotations

import mimetypes
import os
import secrets
import shutil
import tempfile
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from mountui.errors import CallError


@dataclass(frozen=True)
class StoredFile:
    id: str
    path: Path
    name: str
    size: int
    mime_type: str
    owner: str | None
    expires: float

    def wire(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "size": self.size,
            "mime_type": self.mime_type,
            "url": f"{base_url}/file/{self.id}",
        }


def _safe_name(name: str | None) -> str:
    # Only the last path component, no control characters: it is shown and sent as a download name.
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"')
    return base[:200] or "file"


class FileStore:
    """Each file lives in its own random folder under a private temporary directory."""

    def __init__(self, ttl: float, allowed_paths: list[Path] | None = None) -> None:
        self.ttl = ttl
        # A path a function returns is served only from these folders (and its subfolders), so a function
        # that echoes client text into a file output cannot be turned into a reader of /etc.
        # The working directory is not among them: it holds the app's source, `.env` and its secrets.
        roots = [Path(tempfile.gettempdir()), *(allowed_paths or [])]
        self.allowed_roots = [r.resolve() for r in roots]
        self._root: Path | None = None
        self._files: OrderedDict[str, StoredFile] = OrderedDict()
        self.total_size = 0  # bytes on disk, kept under the `max_upload_storage` setting for uploads

    @property
    def root(self) -> Path:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="mountui-"))
        return self._root

    def _expire(self) -> None:
        now = time.monotonic()
        while self._files:
            first = next(iter(self._files.values()))
            if first.expires > now:
                break
            self._remove(first.id)

    def _remove(self, file_id: str) -> None:
        stored = self._files.pop(file_id, None)
        if stored is not None:
            self.total_size -= stored.size
            shutil.rmtree(stored.path.parent, ignore_errors=True)

    def _new_slot(self, name: str | None) -> tuple[str, Path]:
        self._expire()
        file_id = secrets.token_urlsafe(24)
        folder = self.root / file_id
        folder.mkdir(mode=0o700)
        return file_id, folder / _safe_name(name)

    def _register(
        self, file_id: str, path: Path, name: str, owner: str | None, mime: str | None
    ) -> StoredFile:
        stored = StoredFile(
            id=file_id,
            path=path,
            name=name,
            size=path.stat().st_size,
            mime_type=mime or mimetypes.guess_type(name)[0] or "application/octet-stream",
            owner=owner,
            expires=time.monotonic() + self.ttl,
        )
        self._files[file_id] = stored
        self.total_size += stored.size
        return stored

    def add_stream(
        self, source: BinaryIO, name: str | None, owner: str | None, mime: str | None
    ) -> StoredFile:
        """Store an uploaded file (blocking I/O: call from a worker thread)."""
        file_id, path = self._new_slot(name)
        with path.open("wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        return self._register(file_id, path, path.name, owner, mime)

    def add_output(self, value: Any, owner: str | None, name: str | None = None) -> StoredFile:
        """Store a file a function returned: a path of the app's own, bytes, or a StoredFile already here."""
        if isinstance(value, StoredFile):
            return value
        if isinstance(value, (bytes, bytearray)):
            file_id, path = self._new_slot(name or "file")
            path.write_bytes(value)
            return self._register(file_id, path, path.name, owner, None)
        if isinstance(value, dict) and "id" in value:
            return self.get(str(value["id"]), owner)
        source = Path(os.fspath(value))
        if not source.is_file():
            raise ValueError(
                f"the function returned {str(source)!r} for a file output, but no such file exists"
            )
        resolved = source.resolve()
        if not any(
            resolved.is_relative_to(root)
            and not any(part.startswith(".") for part in resolved.relative_to(root).parts)
            for root in self.allowed_roots
        ):
            raise ValueError(
                f"the function returned {str(source)!r} for a file output: only files in the temporary directory "
                "or in a folder of the `allowed_paths` setting are served, and never hidden (dot) files"
            )
        existing = self._by_path(source)
        if existing is not None:
            return existing
        file_id, path = self._new_slot(name or source.name)
        shutil.copyfile(source, path)
        return self._register(file_id, path, path.name, owner, None)

    def _by_path(self, path: Path) -> StoredFile | None:
        try:
            resolved = path.resolve()
            if self._root is None or not resolved.is_relative_to(self._root.resolve()):
                return None
        except OSError:
            return None
        file_id = resolved.relative_to(self._root.resolve()).parts[0]
        return self._files.get(file_id)

    def get(self, file_id: str, owner: str | None) -> StoredFile:
        stored = self._files.get(file_id)
        if stored is None or stored.expires <= time.monotonic():
            raise CallError(404, "not_found", "no such file (it may have expired)")
        if not secrets.compare_digest(stored.owner or "", owner or ""):
            raise CallError(403, "forbidden", "this file belongs to another user")
        return stored

    def room_for(self, size: int, limit: int) -> bool:
        self._expire()
        return self.total_size + size <= limit

    def close(self) -> None:
        self._files.clear()
        self.total_size = 0
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
