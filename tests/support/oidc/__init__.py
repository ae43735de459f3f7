"""A real OpenID Connect provider on loopback for the OAuth tests: `oidc-provider` from npm, run by node.

    provider = OIDCProvider(workdir, executable=node).start()
    provider.register_client("app", "secret", [base_url + "/oauth/callback"])
    mountui.OAuth.oidc("Test", provider.metadata_url, "app", "secret")

Its accounts are the `ACCOUNTS` below (verified and unverified emails at two domains); its sign-in and consent
pages are plain forms the browser can fill ("Login", "Password", "Sign in", then "Allow" or "Deny").
"""

from __future__ import annotations

import json
import select
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from ..ports import stop_process

HERE = Path(__file__).parent
PROVIDER_SCRIPT = HERE / "provider.mjs"


def _account(password: str, **claims: Any) -> dict[str, Any]:
    return {"password": password, "claims": claims}


ACCOUNTS = {
    "alice": _account(
        "alice-password",
        email="alice@example.com",
        email_verified=True,
        name="Alice Liddell",
        given_name="Alice",
        family_name="Liddell",
        preferred_username="alice",
    ),
    "bob": _account("bob-password", email="bob@other.test", email_verified=True, name="Bob Builder"),
    "mallory": _account(
        "mallory-password", email="mallory@example.com", email_verified=False, name="Mallory Unverified"
    ),
}


class OIDCProviderError(RuntimeError):
    pass


def dependencies_installed() -> bool:
    return (HERE / "node_modules" / "oidc-provider" / "package.json").is_file()


def install_dependencies(npm: str) -> None:
    """`npm ci` in this folder (CI does it in .ci/run; a developer's first run does it here)."""
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise OIDCProviderError(f"npm ci in {HERE} failed:\n{result.stdout}{result.stderr}")


class OIDCProvider:
    """One provider process. `start()` returns once it answers; `issuer` is then its base URL."""

    def __init__(
        self, workdir: Path, *, executable: str = "node", conform_id_token_claims: bool = True
    ) -> None:
        self.workdir = Path(workdir)
        self.executable = executable
        self.options = {"accounts": ACCOUNTS, "conformIdTokenClaims": conform_id_token_claims}
        self.issuer: str | None = None
        self._process: subprocess.Popen[str] | None = None
        self._log_path = self.workdir / "provider.log"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def log(self) -> str:
        return self._log_path.read_text(errors="replace") if self._log_path.exists() else ""

    def start(self, timeout: float = 15.0) -> OIDCProvider:
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self._log_path.open("w") as log:
            self._process = subprocess.Popen(
                [self.executable, str(PROVIDER_SCRIPT), json.dumps(self.options)],
                cwd=HERE,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        assert self._process.stdout is not None
        ready, _, _ = select.select([self._process.stdout], [], [], timeout)
        line = self._process.stdout.readline() if ready else ""
        if not line:
            self.stop()
            raise OIDCProviderError(f"the OpenID provider did not start within {timeout} s:\n{self.log}")
        self.issuer = json.loads(line)["issuer"]
        return self

    def register_client(
        self,
        client_id: str,
        client_secret: str,
        redirect_uris: list[str],
        *,
        access_token_ttl: int | None = None,
        **metadata: Any,
    ) -> None:
        """Add a confidential client allowed to use `redirect_uris` (and refresh tokens)."""
        body = {
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uris": redirect_uris,
            **metadata,
        }
        if access_token_ttl is not None:
            body["access_token_ttl"] = access_token_ttl
        response = httpx.post(f"{self.issuer}/test/clients", json=body, timeout=10)
        response.raise_for_status()

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process)
            if self._process.stdout:
                self._process.stdout.close()
            self._process = None


def running_provider(workdir: Path, **options: Any) -> Iterator[OIDCProvider]:
    """A started provider for a fixture to yield (installing its Node.js packages first if need be), stopped
    afterwards. `options` go to `OIDCProvider` (e.g. ``conform_id_token_claims=False``)."""
    from ..programs import require_program

    node = require_program("node", "/usr/bin/node", apt_package="nodejs")
    if not dependencies_installed():
        install_dependencies(require_program("npm", "/usr/bin/npm", apt_package="npm"))
    provider = OIDCProvider(workdir, executable=node, **options).start()
    try:
        yield provider
    finally:
        provider.stop()
