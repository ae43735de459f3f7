"""Image: an image file, uploaded or returned by a function."""

from __future__ import annotations

from typing import Any

from mountui.components.file import File


class Image(File):
    events = ("change", "upload")
    example_file_name = "example.png"

    def __init__(self, value: Any = None, *, height: int | None = None, **kwargs: Any) -> None:
        self.height = height
        kwargs.setdefault("file_types", ["image/*"])
        super().__init__(value, **kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "height": self.height}
