"""docs/deploy.md shows the nginx file the tests run, word for word."""

from __future__ import annotations

import re

from proxy_helpers import DOCS, NGINX_SNIPPET


def test_the_guide_shows_the_tested_nginx_file_verbatim():
    guide = (DOCS / "deploy.md").read_text()
    blocks = re.findall(r"```nginx\n(.*?)```", guide, flags=re.DOTALL)

    assert NGINX_SNIPPET.read_text() in blocks
