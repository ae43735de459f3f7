"""Fixtures of the rate-limit and metrics tests; their helpers are in `limits_helpers.py`."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
