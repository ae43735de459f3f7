"""A private nginx on a loopback port, configured by the test, to check mountui behind a reverse proxy.

The caller writes only what goes inside ``server { ... }`` (its ``location`` blocks with the upstream URL);
this module wraps it in a complete nginx.conf whose pid file, logs and temporary files all live in the
test's own directory, so that it runs as any user and next to any system nginx.
"""

from __future__ import annotations

import getpass
import grp
import os
import subprocess
from pathlib import Path
from string import Template

from .ports import LOOPBACK, ProcessExited, free_port, stop_process, wait_until_listening

NGINX_PATH = "/usr/sbin/nginx"

_CONFIG = Template(
    """\
daemon off;
master_process on;
worker_processes 1;
$user_line
pid $workdir/nginx.pid;
error_log $workdir/error.log info;

events {
    worker_connections 256;
}

http {
    default_type application/octet-stream;
    access_log $workdir/access.log;
    client_body_temp_path $workdir/client_body;
    proxy_temp_path $workdir/proxy;
    fastcgi_temp_path $workdir/fastcgi;
    uwsgi_temp_path $workdir/uwsgi;
    scgi_temp_path $workdir/scgi;

$http_extra

    server {
        listen $host:$port;
        server_name localhost;

$server_body
    }
}
"""
)


def _indent(text: str, spaces: int) -> str:
    return "\n".join((" " * spaces + line) if line.strip() else "" for line in text.strip("\n").splitlines())


def render_nginx_config(*, workdir: Path, port: int, server_body: str, http_extra: str = "") -> str:
    """A complete nginx.conf serving `server_body` on 127.0.0.1:`port`, with every file under `workdir`."""
    # The user directive only means something when the master runs as root; it then keeps the workers
    # as the current user instead of nobody, who could not write to the test's directory.
    user_line = f"user {getpass.getuser()} {grp.getgrgid(os.getegid()).gr_name};" if os.geteuid() == 0 else ""
    return _CONFIG.substitute(
        user_line=user_line,
        workdir=workdir,
        host=LOOPBACK,
        port=port,
        http_extra=_indent(http_extra, 4),
        server_body=_indent(server_body, 8),
    )


class NginxError(RuntimeError):
    pass


class NginxProcess:
    """nginx in the foreground as a child process. `start()` returns its base URL once it listens."""

    def __init__(
        self, server_body: str, *, workdir: Path, http_extra: str = "", executable: str = NGINX_PATH
    ) -> None:
        self.server_body = server_body
        self.http_extra = http_extra
        self.workdir = Path(workdir)
        self.executable = executable
        self.config_path = self.workdir / "nginx.conf"
        self.port: int | None = None
        self._process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise NginxError("nginx has not been started")
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def error_log(self) -> str:
        path = self.workdir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, timeout: float = 10.0, attempts: int = 3) -> str:
        for _ in range(attempts):
            try:
                return self._start_once(timeout)
            except _PortTaken:
                continue  # another process took the free port between our check and nginx's bind
        raise NginxError(f"nginx could not bind a free loopback port in {attempts} attempts")

    def _start_once(self, timeout: float) -> str:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        (self.workdir / "error.log").unlink(missing_ok=True)
        self.config_path.write_text(
            render_nginx_config(
                workdir=self.workdir, port=self.port, server_body=self.server_body, http_extra=self.http_extra
            )
        )
        # -e: errors found before the config is read go to our log too, not to /var/log/nginx
        command = [self.executable, "-c", str(self.config_path), "-p", str(self.workdir), "-e", "stderr"]
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            wait_until_listening(self._process, self.port, timeout=timeout)
        except ProcessExited as exited:
            output = self._process.communicate()[0].decode(errors="replace")
            if "Address already in use" in output + self.error_log:
                raise _PortTaken from exited
            raise NginxError(
                f"nginx exited with code {exited.returncode} before it listened:\n{output}{self.error_log}"
                f"\nconfig ({self.config_path}):\n{self.config_path.read_text()}"
            ) from None
        except TimeoutError:
            self.stop()
            raise NginxError(f"nginx did not listen on port {self.port} within {timeout} s") from None
        return self.base_url

    def stop(self, timeout: float = 5.0) -> None:
        if self._process is not None:
            stop_process(self._process, timeout=timeout)  # SIGTERM: nginx's fast shutdown closes streams
            if self._process.stdout:
                self._process.stdout.close()
            self._process = None


class _PortTaken(Exception):
    pass
