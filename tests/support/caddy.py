"""A private Caddy on a loopback port, configured by the test, to check mountui behind a reverse proxy.

The caller writes the Caddyfile's site blocks, with `ADDRESS` where the site address goes; this module puts
``http://127.0.0.1:PORT`` there and global options in front that keep Caddy to itself: no admin endpoint
(nothing binds port 2019), no automatic HTTPS, and its data, config and log in the test's own directory, so
that it runs as any user and next to any system Caddy.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from string import Template

from .ports import LOOPBACK, ProcessExited, free_port, stop_process, wait_until_listening

CADDY_PATH = "/usr/bin/caddy"
ADDRESS = "CADDY_SITE_ADDRESS"  # stands for http://127.0.0.1:PORT in the caller's site blocks

_GLOBAL_OPTIONS = Template(
    """\
{
	admin off
	auto_https off
	storage file_system $workdir/data
	grace_period 1s
	log {
		output file $workdir/caddy.log
		level INFO
	}
}

"""
)


def render_caddyfile(*, workdir: Path, port: int, sites: str) -> str:
    """A complete Caddyfile serving `sites` on 127.0.0.1:`port` over plain http, every file under `workdir`."""
    if ADDRESS not in sites:
        raise CaddyError(f"the site blocks name no {ADDRESS} for the test's address:\n{sites}")
    return _GLOBAL_OPTIONS.substitute(workdir=workdir) + sites.replace(ADDRESS, f"http://{LOOPBACK}:{port}")


class CaddyError(RuntimeError):
    pass


class CaddyProcess:
    """``caddy run`` in the foreground as a child process. `start()` returns its base URL once it listens."""

    def __init__(self, sites: str, *, workdir: Path, executable: str = CADDY_PATH) -> None:
        self.sites = sites
        self.workdir = Path(workdir)
        self.executable = executable
        self.config_path = self.workdir / "Caddyfile"
        self.output_path = self.workdir / "output.log"
        self.port: int | None = None
        self._process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise CaddyError("caddy has not been started")
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def log(self) -> str:
        """What Caddy wrote: its startup output, then its own log."""
        paths = [self.output_path, self.workdir / "caddy.log"]
        return "".join(path.read_text(errors="replace") for path in paths if path.exists())

    def start(self, timeout: float = 10.0, attempts: int = 3) -> str:
        for _ in range(attempts):
            try:
                return self._start_once(timeout)
            except _PortTaken:
                continue  # another process took the free port between our check and Caddy's bind
        raise CaddyError(f"caddy could not bind a free loopback port in {attempts} attempts")

    def _environment(self) -> dict[str, str]:
        # Caddy keeps certificates and autosaved config under these; keep them in the test's directory.
        home = self.workdir / "home"
        return {
            **os.environ,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
        }

    def _start_once(self, timeout: float) -> str:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        (self.workdir / "caddy.log").unlink(missing_ok=True)
        self.config_path.write_text(render_caddyfile(workdir=self.workdir, port=self.port, sites=self.sites))
        command = [self.executable, "run", "--config", str(self.config_path), "--adapter", "caddyfile"]
        # Output to a file, not a pipe that nobody reads while the tests run and that could fill up.
        with self.output_path.open("wb") as output:
            self._process = subprocess.Popen(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self._environment(),
            )
        try:
            wait_until_listening(self._process, self.port, timeout=timeout)
        except ProcessExited as exited:
            self._process = None
            if "address already in use" in self.log:
                raise _PortTaken from exited
            raise CaddyError(
                f"caddy exited with code {exited.returncode} before it listened:\n{self.log}"
                f"\nconfig ({self.config_path}):\n{self.config_path.read_text()}"
            ) from None
        except TimeoutError:
            self.stop()
            raise CaddyError(f"caddy did not listen on port {self.port} within {timeout} s") from None
        return self.base_url

    def stop(self, timeout: float = 5.0) -> None:
        if self._process is not None:
            stop_process(
                self._process, timeout=timeout
            )  # SIGTERM: a graceful stop, cut short by grace_period
            self._process = None


class _PortTaken(Exception):
    pass
