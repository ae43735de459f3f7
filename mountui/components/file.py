"""File: upload files to a function, or offer files it returns for download."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, NotRequired

from typing_extensions import TypedDict

from mountui.components.base import Component
from mountui.errors import ConfigError


class FileRef(TypedDict):
    id: str
    name: NotRequired[str]
    size: NotRequired[int]
    mime_type: NotRequired[str]
    url: NotRequired[str]


class File(Component):
    """`type="filepath"` gives the function a path string; `type="bytes"` the file's bytes."""

    events = ("change", "upload")
    handles_files = True
    # The file name the API docs' snippets upload; subclasses name a file of their kind.
    example_file_name: ClassVar[str] = "example.txt"

    def __init__(
        self,
        value: Any = None,
        *,
        file_count: str = "single",
        file_types: list[str] | None = None,
        type: str = "filepath",
        **kwargs: Any,
    ) -> None:
        if file_count not in ("single", "multiple"):
            raise ConfigError("file_count is 'single' or 'multiple'")
        if type not in ("filepath", "bytes"):
            raise ConfigError("type is 'filepath' or 'bytes'")
        self.file_count = file_count
        self.file_types = file_types
        self.type = type
        super().__init__(value, **kwargs)

    def props(self) -> dict[str, Any]:
        return {**super().props(), "file_count": self.file_count, "file_types": self.file_types}

    def type_annotation(self) -> Any:
        return list[FileRef] if self.file_count == "multiple" else FileRef | None

    def initial_value(self, ctx: Any = None) -> Any:
        return [] if self.file_count == "multiple" else None

    def _one_in(self, ref: dict[str, Any], ctx: Any) -> Any:
        stored = ctx.file_input(ref)
        return Path(stored.path).read_bytes() if self.type == "bytes" else str(stored.path)

    def preprocess(self, value: Any, ctx: Any) -> Any:
        if self.file_count == "multiple":
            return [self._one_in(v, ctx) for v in value]
        return None if value is None else self._one_in(value, ctx)

    def postprocess(self, value: Any, ctx: Any) -> Any:
        if value is None or ctx is None:
            return [] if self.file_count == "multiple" else None
        if self.file_count == "multiple":
            items = value if isinstance(value, (list, tuple)) else [value]
            return [ctx.file_output(v) for v in items]
        return ctx.file_output(value)

    # A link keeps its own copies of the files (see mountui/server/deep_links.py).
    def snapshot(self, value: Any, files: Any) -> Any:
        if self.file_count == "multiple":
            return [files.keep(v) for v in value]
        return None if value is None else files.keep(value)

    def restore(self, kept: Any, files: Any) -> Any:
        if self.file_count == "multiple":
            return [shown for v in kept or [] if (shown := files.show(v)) is not None]
        return None if kept is None else files.show(kept)

    # The docs' snippets upload a local file by name, so the example is a file name, and there is no default.
    def api_example(self) -> Any:
        return [self.example_file_name] if self.file_count == "multiple" else self.example_file_name

    def api_default(self) -> Any:
        return None

    def api_file_kind(self) -> str | None:
        return self.file_count
