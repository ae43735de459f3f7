"""A clock a test turns by hand, for whatever expires: stores, sign-in sessions, the login throttle."""

from __future__ import annotations

import time


class FakeClock:
    """Call it for "now" in seconds; `advance(s)` moves it on. Nothing else moves it.

    It starts at the real wall-clock time, so that values computed elsewhere from real time (a signed
    cookie's timestamp, a provider's token expiry) stay comparable with it.
    """

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock only goes forward")
        self.now += seconds
