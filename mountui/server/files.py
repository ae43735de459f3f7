"""Files by opaque id: uploads and files functions return, on disk, never by a client's path.

One worker: files live in a private temporary directory, removed at shutdown. Several workers (a shared
store): their bytes go into `file_dir`, a directory every worker mounts (a shared volume, NFS), and their
records (name, type, owner, expiry) into the store, so any worker serves any file. Expiry is wall-clock time
(the same on every machine); each worker deletes only the files it wrote, and at start sweeps folders
older than `file_ttl` (expired for everyone: left by a worker that died). Object storage: mount the bucket
as `file_dir` (s3fs, gcsfuse) or keep `file_dir` on a shared volume; the records are what make it shared.
"""

from __future__ import annotations

import errno
import heapq
import logging
import mimetypes
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import anyio.from_thread

from mountui.errors import CallError
from mountui.filenames import safe_file_name
from mountui.http.equal import constant_time_equal
from mountui.store.base import Store

logger = logging.getLogger("mountui")


@dataclass(frozen=True)
class StoredFile:
    id: str
    path: Path
    name: str
    size: int
    mime_type: str
    owner: str | None
    expires: float

    def record(self, root: Path) -> dict[str, Any]:
        return {
            "path": str(self.path.relative_to(root)),
            "name": self.name,
            "size": self.size,
            "mime_type": self.mime_type,
            "owner": self.owner,
            "expires": self.expires,
        }

    @classmethod
    def from_record(cls, file_id: str, root: Path, record: dict[str, Any]) -> StoredFile | None:
        path = (root / record["path"]).resolve()
        parts = path.relative_to(root).parts if path.is_relative_to(root) else ()
        if len(parts) < 2 or parts[0] != file_id:
            return None  # a record naming a path outside its own folder is not believed
        return cls(
            file_id,
            path,
            record["name"],
            record["size"],
            record["mime_type"],
            record["owner"],
            record["expires"],
        )

    def wire(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "size": self.size,
            "mime_type": self.mime_type,
            "url": f"{base_url}/file/{self.id}",
        }


# Types a browser only ever displays or plays, never runs: an uploaded or produced file is served with its
# own type only when it is one of these. Anything else (scripts, HTML, SVG, XML, unknown) goes out as
# application/octet-stream, so no same-origin <script src>, service worker or <iframe> can run it.
INERT_TYPES = frozenset(
    {
        "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp",
        "audio/mpeg", "audio/wav", "audio/x-wav", "audio/ogg", "audio/webm", "audio/flac", "audio/aac",
        "audio/mp4",
        "video/mp4", "video/webm", "video/ogg",
        "application/pdf", "text/plain", "text/csv", "application/json",
    }
)  # fmt: skip
OPAQUE_TYPE = "application/octet-stream"
FILE_ID = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24)


def served_type(mime_type: str) -> str:
    """The Content-Type a user file is served with: its own when inert, else opaque bytes."""
    return mime_type if mime_type in INERT_TYPES else OPAQUE_TYPE


class FileStore:
    """Each file lives in its own random folder under the app's file directory."""

    def __init__(
        self,
        ttl: float,
        allowed_paths: list[Path] | None = None,
        *,
        directory: Path | None = None,
        store: Store | None = None,
    ) -> None:
        self.ttl = ttl
        self.directory = directory  # shared by the workers; None: a private temporary directory
        self.store = store  # where the records go when several workers serve the files
        # A path a function returns is served only from these folders (and its subfolders), so a function
        # that echoes client text into a file output cannot be turned into a reader of /etc.
        # The working directory is not among them: it holds the app's source, `.env` and its secrets.
        roots = [Path(tempfile.gettempdir()), *(allowed_paths or [])]
        self.allowed_roots = [r.resolve() for r in roots]
        self._root: Path | None = None
        self._files: dict[str, StoredFile] = {}
        # (expiry, id) of this worker's files: files shared by a deep link live longer than `ttl`.
        self._deadlines: list[tuple[float, str]] = []
        self.total_size = 0  # bytes on disk, kept under the `max_upload_storage` setting for uploads

    @property
    def root(self) -> Path:
        if self._root is None:
            if self.directory is not None:
                self._root = self.directory
                self._sweep_abandoned()
            else:
                self._root = Path(tempfile.mkdtemp(prefix="mountui-")).resolve()
        return self._root

    def _sweep_abandoned(self) -> None:
        """Folders in the shared directory older than `file_ttl` are expired for every worker: remove them.
        Only folders named like a file id: anything else in the directory is not mountui's to remove."""
        assert self._root is not None
        cutoff = time.time() - self.ttl - 60
        for folder in self._root.iterdir():
            try:
                if (
                    FILE_ID.fullmatch(folder.name)
                    and folder.is_dir()
                    and not folder.is_symlink()
                    and folder.stat().st_mtime < cutoff
                ):
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue

    @staticmethod
    def _shared(call: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        """Run a store call from a worker thread (file I/O runs in one)."""
        return anyio.from_thread.run(call, *args)

    def _expire(self) -> None:
        now = time.time()
        while self._deadlines and self._deadlines[0][0] <= now:
            self._remove(heapq.heappop(self._deadlines)[1])

    def remove(self, file_id: str) -> None:
        self._remove(file_id)

    def _remove(self, file_id: str) -> None:
        stored = self._files.pop(file_id, None)
        if stored is not None:
            self.total_size -= stored.size
            shutil.rmtree(stored.path.parent, ignore_errors=True)

    def _register(
        self, file_id: str, path: Path, name: str, owner: str | None, mime: str | None, ttl: float
    ) -> StoredFile:
        stored = StoredFile(
            id=file_id,
            path=path,
            name=name,
            size=path.stat().st_size,
            mime_type=mime or mimetypes.guess_type(name)[0] or OPAQUE_TYPE,
            owner=owner,
            expires=time.time() + ttl,
        )
        if self.store is not None:
            self._shared(self.store.set, f"file:{file_id}", stored.record(self.root), ttl)
        self._files[file_id] = stored
        heapq.heappush(self._deadlines, (stored.expires, file_id))
        self.total_size += stored.size
        return stored

    def _store(
        self,
        name: str | None,
        owner: str | None,
        mime: str | None,
        write: Callable[[Path], object],
        ttl: float | None = None,
    ) -> StoredFile:
        """Write a new file into a fresh random folder; on any failure the folder goes and nothing is kept."""
        self._expire()
        file_id = secrets.token_urlsafe(24)
        folder = self.root / file_id
        try:
            folder.mkdir(mode=0o700)
            path = folder / safe_file_name(name)
            write(path)
            if ttl is not None and ttl > self.ttl:
                # The start-up sweep judges a folder by its age against `file_ttl`: date a longer-lived
                # file's folder so that it is judged by its own expiry.
                later = time.time() + ttl - self.ttl
                os.utime(folder, (later, later))
            return self._register(file_id, path, path.name, owner, mime, ttl or self.ttl)
        except BaseException as exc:
            shutil.rmtree(folder, ignore_errors=True)
            if isinstance(exc, OSError):
                logger.error("mountui: could not store a file: %s", exc)
                if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise CallError(
                        507, "storage_full", "the server's disk is full; try again later"
                    ) from None
                raise CallError(500, "storage_error", "the server could not store the file") from None
            raise

    def add_stream(
        self, source: BinaryIO, name: str | None, owner: str | None, mime: str | None
    ) -> StoredFile:
        """Store an uploaded file (blocking I/O: call from a worker thread)."""

        def write(path: Path) -> None:
            with path.open("wb") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)

        return self._store(name, owner, mime, write)

    def add_output(self, value: Any, owner: str | None, name: str | None = None) -> StoredFile:
        """Store a file a function returned: a path of the app's own, bytes, or a StoredFile already here."""
        if isinstance(value, StoredFile):
            return value
        if isinstance(value, (bytes, bytearray)):
            data = bytes(value)
            return self._store(name or "file", owner, None, lambda path: path.write_bytes(data))
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
        if existing is not None and existing.owner == owner:
            return existing  # a file of this caller's passed straight through: no copy
        return self._store(name or source.name, owner, None, lambda path: shutil.copyfile(source, path))

    def share(self, stored: StoredFile, owner: str, ttl: float) -> StoredFile:
        """A new file with `stored`'s bytes, owned by `owner` for `ttl` s: a hard link when the file system
        allows (no bytes copied; each lives and goes on its own), else a copy. Blocking: from a worker thread."""

        def write(path: Path) -> None:
            try:
                os.link(stored.path, path)
            except OSError:
                shutil.copyfile(stored.path, path)

        return self._store(stored.name, owner, stored.mime_type, write, ttl)

    def _by_path(self, path: Path) -> StoredFile | None:
        try:
            resolved = path.resolve()
            if self._root is None or not resolved.is_relative_to(self._root.resolve()):
                return None
        except OSError:
            return None
        stored = self._files.get(resolved.relative_to(self._root.resolve()).parts[0])
        # Only the very file: a function may write a new file beside an upload, in the upload's folder.
        return stored if stored is not None and stored.path.resolve() == resolved else None

    def get(self, file_id: str, owner: str | None) -> StoredFile:
        """A file by id for `owner` (from a worker thread when the store is shared)."""
        stored = self._files.get(file_id)
        if stored is None and self.store is not None:
            stored = self._from_record(file_id, self._shared(self.store.get, f"file:{file_id}"))
        return self._check(stored, owner)

    async def fetch(self, file_id: str, owner: str | None) -> StoredFile:
        """`get` for the event loop."""
        stored = self._files.get(file_id)
        if stored is None and self.store is not None:
            stored = self._from_record(file_id, await self.store.get(f"file:{file_id}"))
        return self._check(stored, owner)

    def _from_record(self, file_id: str, record: Any) -> StoredFile | None:
        if not isinstance(record, dict):
            return None
        stored = StoredFile.from_record(file_id, self.root, record)
        return stored if stored is not None and stored.path.is_file() else None

    @staticmethod
    def _check(stored: StoredFile | None, owner: str | None) -> StoredFile:
        if stored is None or stored.expires <= time.time():
            raise CallError(404, "not_found", "no such file (it may have expired)")
        if not constant_time_equal(stored.owner, owner):
            raise CallError(403, "forbidden", "this file belongs to another user")
        return stored

    def room_for(self, size: int, limit: int) -> bool:
        self._expire()
        return self.total_size + size <= limit

    def close(self) -> None:
        if self.directory is None and self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)  # a private directory goes with its worker
        # In a shared directory, this worker's files stay until they expire: another worker may serve them.
        self._files.clear()
        self._deadlines.clear()
        self.total_size = 0
        self._root = None
