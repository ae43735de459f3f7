"""An installable app (pwa=True): the web app manifest, the service worker and the icons, all under the mount path.

`P/manifest.webmanifest` and `P/sw.js` are public (browsers fetch manifests without credentials); so are the
icons. The manifest's `start_url` and `scope` are the app's public path, computed per request (mount path,
proxy prefix, `public_url`), and the worker is served from the mount path, so its scope is the app.

Icons: `favicon_path=` is the app icon too. An SVG is listed as is (any size). A raster image (PNG, ...)
becomes 192 and 512 px PNGs, made with Pillow (`pip install 'mountui[pwa]'`); without Pillow only a 512x512 PNG
can be used as it is, and any other raises a ConfigError naming the extra. Without `favicon_path`, the default
icon is drawn at both sizes (no Pillow needed).
"""

from __future__ import annotations

import hashlib
import html
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mountui.errors import ConfigError
from mountui.http.urls import public_base_path
from mountui.server.png_icon import default_icon, png_size
from mountui.server.static import StaticAssets

THEME_COLOR = "#4f46e5"  # the accent of the default theme and of the default icon
BACKGROUND_COLOR = "#ffffff"
SIZES = (192, 512)
WORKER_SOURCE = Path(__file__).with_name("service_worker.js")
ICON_CACHE = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}


def _resized_with_pillow(path: Path) -> dict[int, bytes] | None:
    """192 and 512 px square PNGs of a raster image (padded to a square, transparent), or None without Pillow."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        return None
    try:
        with Image.open(path) as source:
            image = source.convert("RGBA")
    except (UnidentifiedImageError, OSError) as exc:
        raise ConfigError(f"favicon_path {str(path)!r} is not an image Pillow can read: {exc}") from None
    side = max(image.size)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
    out = {}
    for size in SIZES:
        buffer = io.BytesIO()
        square.resize((size, size), Image.Resampling.LANCZOS).save(buffer, format="PNG")
        out[size] = buffer.getvalue()
    return out


def _offline_html(title: str) -> str:
    name = html.escape(title)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{name} (offline)</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;"
        f"margin:4rem auto;padding:0 1rem;line-height:1.5}}h1{{color:{THEME_COLOR}}}</style></head><body>"
        f"<h1>You are offline</h1><p>{name} cannot be reached right now. Check your connection, then "
        '<a href="">try again</a>.</p></body></html>'
    )


class Pwa:
    def __init__(self, title: str | None, favicon_path: Path | None, assets: StaticAssets) -> None:
        self.title = title or "mountui"
        # icon route name -> (a function making its bytes, media type); manifest entries for them.
        self.icons: dict[str, tuple[Callable[[], bytes], str]] = {}
        self.manifest_icons: list[dict[str, str]] = []
        self._choose_icons(favicon_path)
        names = [f"static/{assets.manifest[k]}" for k in ("js", "css") if assets.manifest.get(k)]
        names += list(self.icons)
        version = hashlib.sha256(orjson.dumps([names, self.title])).hexdigest()[:12]
        config = {"version": version, "assets": names, "offline_html": _offline_html(self.title)}
        self.worker = f"const CONFIG = {orjson.dumps(config).decode()};\n{WORKER_SOURCE.read_text()}"

    def _add_icon(self, name: str, make: Callable[[], bytes], media_type: str, sizes: str) -> None:
        self.icons[name] = (make, media_type)
        self.manifest_icons.append({"src": name, "sizes": sizes, "type": media_type, "purpose": "any"})

    def _choose_icons(self, favicon: Path | None) -> None:
        if favicon is None:
            for size in SIZES:
                self._add_icon(f"icon-{size}.png", _default(size), "image/png", f"{size}x{size}")
            return
        if favicon.suffix.lower() == ".svg":
            data = favicon.read_bytes()
            self._add_icon("icon.svg", lambda: data, "image/svg+xml", "any")
            return
        made = _resized_with_pillow(favicon)
        if made is not None:
            for size in SIZES:
                self._add_icon(f"icon-{size}.png", _constant(made[size]), "image/png", f"{size}x{size}")
            return
        data = favicon.read_bytes()
        if png_size(data) == (512, 512):
            self._add_icon("icon-512.png", _constant(data), "image/png", "512x512")
            return
        raise ConfigError(
            f"pwa=True needs 192 and 512 px icons, and favicon_path {str(favicon)!r} is not a 512x512 PNG nor "
            "an SVG: pip install 'mountui[pwa]' (Pillow) to have mountui make them from it, or pass an SVG "
            "or a 512x512 PNG"
        )

    def routes(self) -> list[Route]:
        return [
            Route("/manifest.webmanifest", self.manifest, methods=["GET", "HEAD"]),
            Route("/sw.js", self.service_worker, methods=["GET", "HEAD"]),
            *(Route(f"/{name}", self.icon, methods=["GET", "HEAD"]) for name in self.icons),
        ]

    def head_tags(self) -> list[str]:
        touch = next((i["src"] for i in self.manifest_icons if i["type"] == "image/png"), None)
        return [
            '<link rel="manifest" href="manifest.webmanifest">',
            f'<meta name="theme-color" content="{THEME_COLOR}">',
            *([f'<link rel="apple-touch-icon" href="{touch}">'] if touch else []),
        ]

    async def manifest(self, request: Request) -> Response:
        base = public_base_path(request.scope) + "/"
        short = self.title if len(self.title) <= 12 else self.title[:12].rstrip()
        document: dict[str, Any] = {
            "id": base,
            "name": self.title,
            "short_name": short,
            "start_url": base,
            "scope": base,
            "display": "standalone",
            "background_color": BACKGROUND_COLOR,
            "theme_color": THEME_COLOR,
            "icons": self.manifest_icons,
        }
        return Response(
            orjson.dumps(document),
            media_type="application/manifest+json",
            headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
        )

    async def service_worker(self, request: Request) -> Response:
        return Response(
            self.worker,
            media_type="text/javascript",
            headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
        )

    async def icon(self, request: Request) -> Response:
        make, media_type = self.icons[request.url.path.rsplit("/", 1)[-1]]
        data = await anyio.to_thread.run_sync(make)  # the default icon is drawn once, the first time
        return Response(data, media_type=media_type, headers=ICON_CACHE)


def _default(size: int) -> Callable[[], bytes]:
    return lambda: default_icon(size)


def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data
