"""Hearing that the server is stopping before its connections are waited for.

A server such as uvicorn, told to stop (SIGTERM, Ctrl+C), first waits for open responses to finish and only
then runs the lifespan shutdown. Event streams never finish by themselves, so the app must hear the signal
itself: it chains a handler in front of the server's own (public `signal` API only; the server's handler
still runs, unchanged). Where that cannot be done (not the main thread, or no Python handler to chain to),
the app hears of the stop at its lifespan shutdown, as before.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

logger = logging.getLogger("mountui")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def hear_stop_signals(on_stop: Callable[[], None]) -> bool:
    """Call `on_stop` on the running loop when a stop signal arrives; True if the handlers are in place."""
    loop = asyncio.get_running_loop()
    installed = False
    for sig in STOP_SIGNALS:
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue  # SIG_DFL or SIG_IGN: the process's own choice, not a server's handler to chain

        def handler(signum: int, frame: FrameType | None, previous: Any = previous) -> None:
            loop.call_soon_threadsafe(on_stop)
            previous(signum, frame)

        try:
            signal.signal(sig, handler)
        except ValueError:  # not the main thread: a server run in a thread (tests, notebooks)
            logger.debug("mountui: stop signals are heard at lifespan shutdown only (not the main thread)")
            return False
        installed = True
    return installed
