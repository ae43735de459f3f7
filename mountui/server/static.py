"""The built frontend, served from a fixed list of file names made at start-up (no client path is opened)."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from mountui.http.responses import error_response

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_HASHED = re.compile(r"-[0-9A-Za-z_]{8,}\.")
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


class StaticAssets:
    def __init__(self, directory: Path = STATIC_DIR) -> None:
        self.files: dict[str, Path] = {}
        self.variants: dict[str, list[tuple[str, Path]]] = {}
        if directory.is_dir():
            for path in directory.rglob("*"):
                if path.is_file() and path.suffix not in (".br", ".gz"):
                    name = path.relative_to(directory).as_posix()
                    self.files[name] = path
                    self.variants[name] = [
                        (enc, path.with_name(path.name + suffix))
                        for enc, suffix in _ENCODINGS
                        if path.with_name(path.name + suffix).is_file()
                    ]
        manifest = directory / "manifest.json"
        self.manifest: dict[str, Any] = orjson.loads(manifest.read_bytes()) if manifest.is_file() else {}

    def embed_script(self) -> Response:
        """`embed.js`: a stable address for other sites' pages, importing the hashed bundle beside it.

        Short-lived in caches (the bundle's name changes with each release); the bundle itself is immutable.
        """
        js = self.manifest.get("js")
        if not js:
            return error_response(404, "not_found", "the frontend bundle is missing from this installation")
        body = f'// mountui: defines <mountui-app src="...">\nimport "./static/{js}";\n'
        headers = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}
        return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)

    def response(self, request: Request, name: str) -> Response:
        path = self.files.get(name)
        if path is None:
            return error_response(404, "not_found", "no such asset")
        immutable = bool(_HASHED.search(path.name))
        headers = {
            "Cache-Control": "public, max-age=31536000, immutable" if immutable else "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Vary": "Accept-Encoding",
        }
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        accepted = request.headers.get("accept-encoding", "")
        for encoding, compressed in self.variants[name]:
            if encoding in accepted:
                headers["Content-Encoding"] = encoding
                return FileResponse(compressed, media_type=media_type, headers=headers)
        return FileResponse(path, media_type=media_type, headers=headers)
