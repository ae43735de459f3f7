"""The pytest plugin of mountui (entry point `pytest11`): the `mountui_ui` fixture.

pytest loads this module in every project that installs mountui, so it imports nothing of mountui's
until a test asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mountui.testing.sync import UITester


@pytest.fixture
def mountui_ui() -> Iterator[Callable[..., UITester]]:
    """Open a UI as a user would: ``ui = mountui_ui(app, "/ui", auth=None, headers=None)``.

    Each call starts the host app in-process (its lifespan runs), signs in if asked, opens the page and runs
    its load events; every tester is closed (and its app shut down) when the test ends.
    """
    from mountui.testing.sync import UITester

    opened: list[UITester] = []

    def open_ui(app: Any, path: str | None = None, **options: Any) -> UITester:
        ui = UITester(app, path, **options)
        opened.append(ui)
        return ui

    yield open_ui
    for ui in reversed(opened):
        ui.close()
