"""Missing system programs: a clear skip on a developer's machine, a loud failure in CI."""

import sys

import pytest
from support.programs import require_program


def test_finds_a_program_on_the_path():
    assert require_program("python3", sys.executable, apt_package="python3") == sys.executable


def test_a_missing_program_skips_locally_with_the_install_command(monkeypatch):
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="apt-get install -y no-such-package"):
        require_program("no-such-program-x", "/nowhere/no-such-program-x", apt_package="no-such-package")


def test_a_missing_program_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="never skipped in CI"):
        require_program("no-such-program-x", apt_package="no-such-package")
