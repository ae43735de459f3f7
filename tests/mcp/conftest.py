"""Fixtures for the MCP tests: a real OpenID provider, for apps whose MCP clients bring its access tokens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.oidc import OIDCProvider, dependencies_installed, install_dependencies
from support.programs import require_program


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OIDCProvider]:
    """A real OpenID provider on loopback (see tests/support/oidc)."""
    node = require_program("node", "/usr/bin/node", apt_package="nodejs")
    if not dependencies_installed():
        install_dependencies(require_program("npm", "/usr/bin/npm", apt_package="npm"))
    provider = OIDCProvider(tmp_path_factory.mktemp("oidc"), executable=node).start()
    try:
        yield provider
    finally:
        provider.stop()
