"""File names that are safe to write to any disk and to show: one path component, bounded in bytes.

Used by the server for uploads and files functions return, and by the client for the files it downloads;
a name from the other side may be long, in any script, or hostile ("..", "a/../../b", control characters).
"""

from __future__ import annotations

import os

# Most filesystems allow 255 bytes per name; the rest is room for what a platform may add.
MAX_NAME_BYTES = 200
_MAX_SUFFIX_BYTES = 16


def _cut_utf8(text: str, limit: int) -> str:
    # Cut by bytes, never inside a character.
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def safe_file_name(name: str | None) -> str:
    """The last path component, printable, at most MAX_NAME_BYTES of UTF-8, extension kept."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"')
    if len(base.encode("utf-8")) > MAX_NAME_BYTES:
        stem, dot, suffix = base.rpartition(".")
        if dot and stem and 0 < len(suffix.encode("utf-8")) <= _MAX_SUFFIX_BYTES:
            suffix = "." + suffix
            base = _cut_utf8(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))) + suffix
        else:
            base = _cut_utf8(base, MAX_NAME_BYTES)
    return base if base.strip(". ") else "file"
