"""Fixtures for the embedding tests: a Chromium that resolves `*.test`, and a certificate it trusts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from embed_helpers import Certificate, EmbedBrowser, launch_embed_browser
from support.browser import CHROMIUM_PATH
from support.programs import require_program


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    openssl = require_program("openssl", "/usr/bin/openssl", apt_package="openssl")
    return Certificate.create(tmp_path_factory.mktemp("tls"), openssl)


@pytest.fixture
def sites(certificate: Certificate) -> Iterator[EmbedBrowser]:
    """A Chromium of its own (the shared one knows no test host names): ``page, watch = sites.page()``.

    It resolves every `*.test` to loopback and trusts exactly `certificate`. Each page has its own
    context (its own cookies).
    """
    executable = require_program("chromium", CHROMIUM_PATH, apt_package="chromium")
    with launch_embed_browser(executable, certificate) as embed:
        yield embed
