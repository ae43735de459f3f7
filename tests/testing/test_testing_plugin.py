"""The pytest plugin: installed with mountui (entry point pytest11), cheap to load in every project."""

from __future__ import annotations

import subprocess
import sys


def test_the_fixture_is_there_in_a_project_that_installs_mountui(pytester):
    pytester.makepyfile(
        test_app="""
        import mountui

        with mountui.Blocks() as demo:
            name = mountui.Textbox(label="Name")
            out = mountui.Textbox(label="Greeting")
            mountui.Button("Greet").click(lambda n: f"Hello, {n}!", name, out)

        def test_greets(mountui_ui):
            ui = mountui_ui(demo)
            ui.fill("Name", "Ada")
            ui.click("Greet")
            assert ui.value("Greeting") == "Hello, Ada!"

        def test_a_wrong_label_fails_the_test(mountui_ui):
            mountui_ui(demo).click("Gret")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*LabelNotFoundError: no button labelled 'Gret' to click on the page; labels: 'Greet'*"]
    )


def test_loading_the_plugin_imports_nothing_heavy():
    code = (
        "import sys, mountui.testing.plugin; "
        "print(sorted(m for m in ('httpx', 'anyio', 'starlette', 'mountui.testing.sync', 'mountui.server') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
