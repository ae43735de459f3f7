"""Reading a function's docstring for MCP: its summary and what its `Args:` section says of each argument.

Google style (`Args:` then `name (type): text`, continued by deeper indentation) and NumPy style
(`Parameters` underlined, then `name : type` with the text indented below) are understood.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

_GOOGLE_HEADERS = {"args:", "arguments:", "parameters:", "params:"}
_SECTION = re.compile(r"^[A-Z][A-Za-z ]*:$")  # Returns:, Raises:, Examples:, ...
_GOOGLE_ARG = re.compile(r"^\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_NUMPY_ARG = re.compile(r"^\*{0,2}(\w+)\s*(?::.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _google(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    inside, base, current, arg_indent = False, 0, None, 0
    for line in lines:
        stripped = line.strip()
        if not inside:
            if stripped.lower() in _GOOGLE_HEADERS:
                inside, base, current = True, _indent(line), None
            continue
        if not stripped:
            continue
        if _indent(line) <= base:  # the section ended (another header, or text at the section's level)
            inside = stripped.lower() in _GOOGLE_HEADERS
            current = None
            continue
        match = _GOOGLE_ARG.match(stripped)
        if match and (current is None or _indent(line) <= arg_indent):
            current, arg_indent = match.group(1), _indent(line)
            found[current] = match.group(2).strip()
        elif current is not None:
            found[current] = f"{found[current]} {stripped}".strip()
    return found


def _numpy(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    current: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        underline = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if line.lower() in ("parameters", "other parameters") and set(underline) == {"-"}:
            index += 2
            base = None
            while index < len(lines):
                raw = lines[index]
                text = raw.strip()
                nxt = lines[index + 1].strip() if index + 1 < len(lines) else ""
                if text and nxt and set(nxt) == {"-"}:
                    break  # the next section
                if text:
                    base = _indent(raw) if base is None else base
                    if _indent(raw) <= base and (match := _NUMPY_ARG.match(text)):
                        current = match.group(1)
                        found[current] = ""
                    elif current is not None:
                        found[current] = f"{found[current]} {text}".strip()
                index += 1
            continue
        index += 1
    return found


def argument_descriptions(doc: str) -> dict[str, str]:
    lines = inspect.cleandoc(doc).splitlines()
    return _google(lines) or _numpy(lines)


def summary(doc: str) -> str:
    """The docstring up to its first section (Args:, Returns:, Parameters, ...)."""
    kept: list[str] = []
    lines = inspect.cleandoc(doc).splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip()
        underline = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if _SECTION.match(stripped) or (stripped and underline and set(underline) == {"-"}):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def describe_function(fn: Callable[..., Any], description: str | None) -> tuple[str, dict[str, str]]:
    """(the tool's description, each argument's description) from `api_description=` or the docstring."""
    doc = inspect.getdoc(fn) or ""
    return (description or summary(doc)), argument_descriptions(doc)
