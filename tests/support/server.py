"""A real uvicorn server for an ASGI app, run in a background thread on a loopback port.

Tests that need real HTTP (a browser, nginx in front, streaming, disconnects) use this instead of a test
client, so that they exercise the same server stack as production.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable
from typing import Any

import uvicorn

from .ports import bound_socket


class _PromptServer(uvicorn.Server):
    """uvicorn's server, with the same steps at shutdown but no fixed waits: it looks every 5 ms (not every
    100 ms) whether it was asked to stop, and whether its connections and tasks are done. A test suite starts
    and stops hundreds of servers; this keeps each stop to the time the app really needs."""

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            await asyncio.sleep(0.005)
            counter += 1

    async def shutdown(self, sockets: list[Any] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.config.timeout_graceful_shutdown or 0)
        state = self.server_state
        while (state.connections or state.tasks) and not self.force_exit and loop.time() < deadline:
            await asyncio.sleep(0.005)
        for task in state.tasks:
            task.cancel()
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()


class BackgroundServer:
    """One uvicorn server in a daemon thread. `start()` returns when it accepts requests."""

    def __init__(self, app: Any, *, root_path: str = "", **config: Any) -> None:
        self._socket = bound_socket()
        host, port = self._socket.getsockname()[:2]
        self.base_url = f"http://{host}:{port}"
        options: dict[str, Any] = {
            "lifespan": "on",
            "log_level": "warning",
            "log_config": None,  # leave logging to pytest, which shows the server's log for failed tests
            "access_log": False,
            # a still-streaming response must not keep the server (and the test run) alive
            "timeout_graceful_shutdown": 2,
        }
        options.update(config)
        self._server = _PromptServer(uvicorn.Config(app, root_path=root_path, **options))
        self.exit_code: int | str | None = None
        self._thread = threading.Thread(
            target=self._run,
            name=f"uvicorn {self.base_url}",
            daemon=True,
        )

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._socket])
        except SystemExit as exit:  # uvicorn exits with code 3 when the app's start-up fails
            self.exit_code = exit.code

    def start(self, timeout: float = 10.0) -> str:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                self._socket.close()
                raise RuntimeError(
                    f"uvicorn for {self.base_url} stopped during start-up (exit code {self.exit_code}) "
                    "- the app's lifespan start-up probably failed: see the captured log"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"uvicorn for {self.base_url} did not start within {timeout} s")
            time.sleep(0.01)
        return self.base_url

    def request_stop(self) -> None:
        self._server.should_exit = True

    def wait_stopped(self, timeout: float = 5.0) -> bool:
        """Wait for the thread; force the exit if the graceful one takes too long. False if it is stuck."""
        if self._thread.ident is None:
            self._socket.close()
            return True
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)
        self._socket.close()
        return not self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> bool:
        self.request_stop()
        return self.wait_stopped(timeout)


def stop_servers(servers: Iterable[BackgroundServer], timeout: float = 5.0) -> list[str]:
    """Stop all servers at once; return the base URLs of any that would not stop."""
    servers = list(servers)
    for server in servers:
        server.request_stop()
    return [server.base_url for server in servers if not server.wait_stopped(timeout)]
