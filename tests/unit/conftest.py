"""Fixtures of the in-process tests; their helpers are in `inprocess.py` (a unique module name, so that
several test folders can be collected in one run)."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
