"""Rate limits as users write them: ``"20/minute"``, ``"5/second;100/hour"``, ``"10 per 30 seconds"``.

Parsed once, when the app is described (a listener's `rate_limit=`) or built (the `rate_limit` setting), so a
misspelt limit fails at start-up, never on a call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mountui.errors import ConfigError

UNITS = {
    "second": 1.0, "sec": 1.0, "s": 1.0,
    "minute": 60.0, "min": 60.0, "m": 60.0,
    "hour": 3600.0, "h": 3600.0,
    "day": 86400.0, "d": 86400.0,
}  # fmt: skip
_WINDOW = re.compile(r"\s*(\d+)\s*(?:/|\s+per\s+)\s*(\d+(?:\.\d+)?)?\s*([A-Za-z]+)\s*")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """`windows`: (calls, seconds) pairs; a call is allowed when every window has room for it."""

    text: str
    windows: tuple[tuple[int, float], ...]

    def __str__(self) -> str:
        return self.text


def _unit(name: str) -> float | None:
    name = name.lower()
    if name not in UNITS and len(name) > 2 and name.endswith("s"):  # "minutes", never "ms" -> "m"
        name = name[:-1]
    return UNITS.get(name)


def parse_rate_limit(spec: str | RateLimit) -> RateLimit:
    """A `RateLimit` from ``"N/unit"`` or ``"N/M units"`` (also ``"N per unit"``), several joined by ";";
    units are second, minute, hour, day (or s, min, h, d, and plurals). Raises ConfigError saying how."""
    if isinstance(spec, RateLimit):
        return spec
    if not isinstance(spec, str) or not spec.strip():
        raise ConfigError(
            f"a rate limit is a string such as '20/minute' or '5/second;100/hour', got {spec!r}"
        )
    windows: list[tuple[int, float]] = []
    for part in spec.split(";"):
        match = _WINDOW.fullmatch(part)
        seconds = _unit(match.group(3)) if match else None
        if match is None or seconds is None:
            raise ConfigError(
                f"cannot read the rate limit {part.strip()!r} in {spec!r}: write calls/period, such as "
                "'20/minute', '5/second', '100/hour', '1000/day' or '10/30 seconds'; join several with ';'"
            )
        calls, count = int(match.group(1)), float(match.group(2) or 1)
        if calls < 1 or count <= 0:
            raise ConfigError(
                f"the rate limit {part.strip()!r} must allow at least 1 call in a period over 0"
            )
        windows.append((calls, seconds * count))
    return RateLimit(spec.strip(), tuple(windows))
