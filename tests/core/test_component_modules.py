"""Python and the frontend agree on the components: every block the page draws has a module
`frontend/src/components/<Name>.js`, and every such module a Python class of that name exported by mountui."""

from __future__ import annotations

import re
from pathlib import Path

import mountui
from mountui.blocks import Block, BlockContext, Blocks
from mountui.components import Component

COMPONENTS = Path(__file__).resolve().parents[2] / "frontend" / "src" / "components"
# The build's rule (frontend/build.mjs): a capitalised module directly in components/ is a component.
MODULE_NAME = re.compile(r"[A-Z][A-Za-z0-9]*\.js")


def drawn_blocks() -> set[str]:
    """Names of the concrete Block classes mountui exports whose instances appear in the page's config."""
    names = set()
    for name in mountui.__all__:
        obj = getattr(mountui, name)
        if not (isinstance(obj, type) and issubclass(obj, Block)):
            continue
        if obj in (Component, BlockContext) or issubclass(obj, Blocks):
            continue
        if getattr(obj, "server_side", False):  # State never reaches the page
            continue
        names.add(obj.__name__)
    return names


def frontend_modules() -> set[str]:
    return {p.stem for p in COMPONENTS.glob("*.js")}


def test_every_python_component_has_a_frontend_module() -> None:
    missing = drawn_blocks() - frontend_modules()
    assert not missing, f"no frontend/src/components/<Name>.js for {sorted(missing)}"


def test_every_frontend_module_has_a_python_component() -> None:
    orphans = frontend_modules() - drawn_blocks()
    assert not orphans, f"frontend modules without an exported Python class: {sorted(orphans)}"


def test_helpers_live_apart_from_components() -> None:
    misnamed = sorted(p.name for p in COMPONENTS.glob("*.js") if not MODULE_NAME.fullmatch(p.name))
    assert not misnamed, f"helpers go in frontend/src/components/_shared/, not beside components: {misnamed}"


def test_each_module_default_exports_its_element() -> None:
    for path in sorted(COMPONENTS.glob("*.js")):
        assert re.search(r"^export default class \w+ extends ", path.read_text(), re.M), path.name


def test_a_component_stylesheet_belongs_to_its_module() -> None:
    for sheet in sorted(COMPONENTS.glob("*.css")):
        module = sheet.with_suffix(".js")
        assert module.exists(), f"{sheet.name} has no {module.name}"
        assert f'import "./{sheet.name}";' in module.read_text(), (
            f"{module.name} does not import {sheet.name}"
        )
