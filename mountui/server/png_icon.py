"""The default app icon as PNG, drawn in pure Python (no Pillow needed): the favicon's "M" on its indigo tile."""

from __future__ import annotations

import math
import struct
import zlib
from functools import cache
from itertools import pairwise

ACCENT = (0x4F, 0x46, 0xE5)
# The favicon's drawing, in its 32-unit viewBox: a tile with rounded corners and a polyline stroke.
_CORNER = 7.0
_STROKE = ((8.0, 22.0), (8.0, 10.0), (16.0, 17.0), (24.0, 10.0), (24.0, 22.0))
_HALF_WIDTH = 1.5


def encode_png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGBA PNG from `height` rows of `width * 4` bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of PNG bytes, or None when they are not a PNG."""
    if len(data) < 24 or not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _distance(x: float, y: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - a[0] - t * dx, y - a[1] - t * dy)


def _tile_coverage(x: float, y: float, unit: float) -> float:
    """How much of the pixel centred at (x, y) (viewBox units) the rounded tile covers."""
    cx = min(max(x, _CORNER), 32 - _CORNER)
    cy = min(max(y, _CORNER), 32 - _CORNER)
    outside = math.hypot(x - cx, y - cy) - _CORNER
    return max(0.0, min(1.0, 0.5 - outside / unit))


@cache
def default_icon(size: int) -> bytes:
    """The default icon, `size` px square, anti-aliased. The drawing is symmetric: the left half is computed
    (only where the corners and the stroke are; the rest is the plain tile) and mirrored."""
    unit = 32 / size  # viewBox units per pixel
    left = list(pairwise(_STROKE[:3]))  # the half of the stroke left of x = 16
    x_min, y_min, y_max = 8 - _HALF_WIDTH - unit, 10 - _HALF_WIDTH - unit, 22 + _HALF_WIDTH + unit
    solid = bytes((*ACCENT, 255))
    half = (size + 1) // 2
    rows = []
    for j in range(size):
        y = (j + 0.5) * unit
        corner_row = y < _CORNER or y > 32 - _CORNER
        in_stroke_rows = y_min <= y <= y_max
        row = bytearray(solid * half)
        for i in range(half):
            x = (i + 0.5) * unit
            in_stroke = in_stroke_rows and x >= x_min
            if not (in_stroke or (corner_row and x < _CORNER)):
                continue
            alpha = _tile_coverage(x, y, unit) if corner_row and x < _CORNER else 1.0
            white = 0.0
            if in_stroke:
                d = min(_distance(x, y, a, b) for a, b in left)
                white = max(0.0, min(1.0, 0.5 + (_HALF_WIDTH - d) / unit))
            row[4 * i : 4 * i + 4] = bytes(
                (*(round(c + (255 - c) * white) for c in ACCENT), round(255 * alpha))
            )
        pixels = [row[k : k + 4] for k in range(0, len(row), 4)]
        mirrored = pixels[: size - half][::-1]
        rows.append(bytes(row) + b"".join(mirrored))
    return encode_png(size, size, rows)
