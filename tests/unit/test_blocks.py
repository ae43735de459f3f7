"""Blocks (`mountui/blocks.py`, `mountui/layouts.py`): the tree a `with` statement builds, the layout the page
draws, and the configuration the page fetches (`GET P/config`, read in process here).
"""

from __future__ import annotations

import itertools

import pytest
from inprocess import serving

import mountui
from mountui.errors import ConfigError
from mountui.server.app import build_app

pytestmark = pytest.mark.anyio


def test_with_statements_build_the_tree_in_order() -> None:
    with mountui.Blocks(title="Tree") as demo:
        title = mountui.Markdown("# Title")
        with mountui.Row() as row:
            with mountui.Column(scale=2) as left:
                name = mountui.Textbox()
            with mountui.Column() as right:
                out = mountui.Textbox()
        with mountui.Tabs() as tabs, mountui.Tab("Second") as tab:
            more = mountui.Number()
    assert demo.id == 0
    assert [b.id for b in (title, row, left, name, right, out, tabs, tab, more)] == list(range(1, 10))
    assert demo.layout() == {
        "id": 0,
        "children": [
            {"id": title.id},
            {
                "id": row.id,
                "children": [
                    {"id": left.id, "children": [{"id": name.id}]},
                    {"id": right.id, "children": [{"id": out.id}]},
                ],
            },
            {"id": tabs.id, "children": [{"id": tab.id, "children": [{"id": more.id}]}]},
        ],
    }
    assert name.parent is left and left.parent is row and row.parent is demo


def test_blocks_do_not_nest_and_a_component_outside_one_has_no_id() -> None:
    with pytest.raises(ConfigError, match="Blocks cannot be nested; use Row, Column, Group or Tabs"):
        with mountui.Blocks(), mountui.Blocks():
            pass
    loose = mountui.Textbox()
    with pytest.raises(
        ConfigError, match=r"Textbox is not part of a Blocks yet; create it inside `with Blocks\(\):`"
    ):
        _ = loose.id


def test_two_apps_described_one_after_the_other_do_not_share_blocks() -> None:
    with mountui.Blocks() as first:
        a = mountui.Textbox()
    with mountui.Blocks() as second:
        b = mountui.Textbox()
    assert a.id == b.id == 1
    assert first.blocks == {1: a} and second.blocks == {1: b}


def config_demo() -> mountui.Blocks:
    counter = itertools.count(1)

    with mountui.Blocks(title="Config", theme="dark") as demo:
        with mountui.Row(variant="panel"):
            name = mountui.Textbox("Ann", label="Name", elem_id="name-box", elem_classes="wide")
            out = mountui.Textbox(label="Greeting")
            mountui.Textbox(label="Read only", interactive=False)
        mountui.Number(lambda: next(counter), label="Visits")  # a value computed per page
        mountui.State("secret")
        mountui.Button("Go").click(greet_by_name, name, out)
    return demo


def greet_by_name(name: str) -> str:
    return f"Hello {name}"


async def test_the_page_configuration_describes_components_layout_and_listeners() -> None:
    demo = config_demo()
    async with serving(build_app(demo, show_api=False)) as client:
        config = (await client.get("/config")).json()
        again = (await client.get("/config")).json()
    assert (config["title"], config["theme"], config["show_api"]) == ("Config", "dark", False)
    components = {c["id"]: c for c in config["components"]}
    assert "State" not in {c["type"] for c in components.values()}  # State never leaves the server
    assert "secret" not in str(config)
    row, name, out, shown, visits, button = (components[i] for i in range(1, 7))
    assert (row["type"], row["props"]["variant"]) == ("Row", "panel")
    assert name == {
        "id": 2,
        "type": "Textbox",
        "value": "Ann",
        "props": name["props"] | {"label": "Name", "elem_id": "name-box", "elem_classes": ["wide"]},
    }
    # Inputs and components nobody writes to are editable; outputs are not, unless the app says.
    assert [c["props"]["interactive"] for c in (name, out, shown)] == [True, False, False]
    assert (button["type"], button["value"]) == ("Button", "Go")
    # A callable value is computed for each page, never once for everyone.
    assert (visits["value"], {c["id"]: c for c in again["components"]}[visits["id"]]["value"]) == (1, 2)
    assert config["layout"]["children"][0]["id"] == row["id"]
    assert config["dependencies"] == [demo.dependencies[0].config()]
    assert config["session_id"] != again["session_id"]  # every page gets its own tab id


async def test_an_interface_adds_its_examples_to_the_configuration() -> None:
    demo = mountui.Interface(greet_by_name, "text", "text", examples=[["Ann"], ["Bob"]])
    async with serving(build_app(demo)) as client:
        config = (await client.get("/config")).json()
    [name] = [c["id"] for c in config["components"] if c["type"] == "Textbox"][:1]
    assert config["examples"] == [{"inputs": [name], "rows": [["Ann"], ["Bob"]]}]
