"""Fixtures for the PWA tests: a page in a profiled (not incognito) Chromium, where apps can be installed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from support.browser import CHROMIUM_ARGS, CHROMIUM_PATH, PageWatch


@pytest.fixture
def profile_page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """A page of a Chromium with a user profile: Chromium refuses to install apps from incognito contexts,
    which is what `browser.new_context()` makes. Watched like `page` (no request leaves loopback)."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM_PATH, headless=True, args=list(CHROMIUM_ARGS)
    )
    watch = PageWatch(context)
    try:
        yield context.pages[0] if context.pages else context.new_page()
        problems = watch.problems(allow_console_errors=False)
        assert not problems, "the page misbehaved:\n  " + "\n  ".join(problems)
    finally:
        context.close()
