"""Every component: its config, its JSON Schema, and a value's round trip through a function."""

from __future__ import annotations

import pytest

import mountui

ROUND_TRIPS = [
    (mountui.Textbox, {}, "hello", "hello", {"type": "string"}),
    (mountui.Number, {}, 2.5, 2.5, {"anyOf": [{"type": "number"}, {"type": "null"}]}),
    (mountui.Slider, {"minimum": 0, "maximum": 10}, 7, 7, {"type": "number", "minimum": 0, "maximum": 10}),
    (mountui.Checkbox, {}, True, True, {"type": "boolean"}),
    (mountui.Dropdown, {"choices": ["a", "b"]}, "b", "b", None),
    (mountui.Dropdown, {"choices": ["a", "b", "c"], "multiselect": True}, ["a", "c"], ["a", "c"], None),
    (mountui.Radio, {"choices": [("One", 1), ("Two", 2)]}, 2, 2, None),
    (mountui.JSON, {}, {"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}, {}),
    (
        mountui.Chatbot,
        {},
        [{"role": "user", "content": "hi *there*"}],
        [{"role": "user", "content": "hi *there*", "html": "<p>hi <em>there</em></p>\n"}],
        None,
    ),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "sent", "received", "schema"),
    ROUND_TRIPS,
    ids=[f"{r[0].__name__}-{i}" for i, r in enumerate(ROUND_TRIPS)],
)
def test_value_round_trips(live, http, cls, kwargs, sent, received, schema):
    with mountui.Blocks() as demo:
        component = cls(**kwargs)
        mountui.Button().click(lambda v: v, component, component, api_name="echo")
    if schema is not None:
        generated = component.json_schema()
        for key, value in schema.items():
            assert generated[key] == value
    base = live(demo)
    answer = http.post(f"{base}/api/echo", json={"data": [sent]})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"data": [received]}


def test_markdown_is_rendered_and_sanitized_on_the_server(live, http):
    with mountui.Blocks() as demo:
        text = mountui.Textbox()
        md = mountui.Markdown("# Title\n\n<script>alert(1)</script> [x](javascript:alert(1)) **bold**")
        mountui.Button().click(lambda t: t, text, md, api_name="render")
    base = live(demo)
    config = http.get(f"{base}/config").json()
    initial = next(c for c in config["components"] if c["id"] == md.id)["value"]
    assert "<h1>Title</h1>" in initial and "<strong>bold</strong>" in initial
    assert "<script>" not in initial and 'href="javascript' not in initial
    rendered = http.post(f"{base}/api/render", json={"data": ['<img src=x onerror="alert(1)">_hi_']}).json()
    assert "<img" not in rendered["data"][0] and "<em>hi</em>" in rendered["data"][0]


def test_config_describes_components_layout_and_dependencies(live, http):
    with mountui.Blocks(title="Layout") as demo:
        with mountui.Row():
            with mountui.Column():
                name = mountui.Textbox(label="Name", placeholder="Your name", info="As on your badge")
            with mountui.Column():
                out = mountui.Textbox(label="Out")
        with mountui.Tabs():
            with mountui.Tab("First"):
                mountui.Markdown("one")
            with mountui.Tab("Second"), mountui.Accordion("More", open=False), mountui.Group():
                btn = mountui.Button("Go", variant="primary", link=None)
        btn.click(lambda n: n, name, out)
    config = http.get(f"{live(demo)}/config").json()
    types = [c["type"] for c in config["components"]]
    assert types == [
        "Row",
        "Column",
        "Textbox",
        "Column",
        "Textbox",
        "Tabs",
        "Tab",
        "Markdown",
        "Tab",
        "Accordion",
        "Group",
        "Button",
    ]
    by_id = {c["id"]: c for c in config["components"]}
    assert by_id[name.id]["props"]["placeholder"] == "Your name"
    assert by_id[name.id]["props"]["info"] == "As on your badge"
    assert by_id[name.id]["props"]["interactive"] is True
    assert by_id[out.id]["props"]["interactive"] is False  # only an output
    assert config["layout"]["children"][0]["children"][0]["children"] == [{"id": name.id}]
    assert config["dependencies"][0]["triggers"] == [{"id": btn.id, "event": "click"}]
    assert config["title"] == "Layout" and len(config["session_id"]) >= 22


def test_button_link_is_in_its_props():
    with mountui.Blocks():
        button = mountui.Button("Docs", link="docs")
    assert button.props()["link"] == "docs"


def test_unknown_event_name_is_a_clear_error():
    with mountui.Blocks(), pytest.raises(mountui.ConfigError, match="Markdown has no 'click' event"):
        mountui.Markdown("x")._listen("click", lambda: None, None, None)
