"""Finding the system programs that some tests need, and refusing to quietly skip them in CI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_program(name: str, *candidates: str, apt_package: str) -> str:
    """Return the path of program `name`, or stop the calling test.

    Locally a missing program skips the test with the command that installs it. In CI (``CI=true``) it fails:
    a suite that silently skips its browser, proxy or Redis tests would report a green run that proved little.
    """
    for candidate in (*candidates, name):
        found = shutil.which(candidate)
        if found:
            return found
        if os.sep in candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    message = f"{name} is not installed; install it with: apt-get install -y {apt_package}"
    if running_in_ci():
        pytest.fail(
            f"{message} (.ci/run is expected to do this; tests are never skipped in CI)", pytrace=False
        )
    pytest.skip(message)
