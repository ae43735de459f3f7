"""Audio: a sound file, uploaded or returned by a function, played in the page with the browser's controls."""

from __future__ import annotations

from typing import Any

from mountui.components.file import File


class Audio(File):
    """Like `File` (`type="filepath"` or `"bytes"`); the page plays the file instead of only offering it."""

    events = ("change", "upload")
    example_file_name = "example.wav"

    def __init__(self, value: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("file_types", ["audio/*"])
        super().__init__(value, **kwargs)
