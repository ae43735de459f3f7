"""Event listeners (`mountui/events.py`): what a listener becomes (its endpoint, its description for the page)
and the mistakes that are refused when the app is described, long before anyone calls it.
"""

from __future__ import annotations

from typing import Any

import pytest

import mountui
from mountui.errors import ConfigError


def greet(name: str) -> str:
    return f"Hello {name}"


def test_a_listener_is_described_to_the_page_by_ids_never_by_code() -> None:
    with mountui.Blocks() as demo:
        name, out = mountui.Textbox(), mountui.Textbox()
        history = mountui.State([])
        button = mountui.Button()
        dep = button.click(lambda n, h: (f"Hi {n}", [*h, n]), [name, history], [out, history])
    assert dep.config() == {
        "id": 0,
        "endpoint": "lambda",
        "show_api": True,
        "triggers": [{"id": button.id, "event": "click"}],
        "inputs": [name.id],  # State stays on the server: it is neither sent nor received
        "outputs": [out.id],
        "stream": False,
    }
    assert demo.dependencies == [dep]


def test_several_triggers_load_and_generators() -> None:
    def count(n: float):
        yield from range(int(n))

    with mountui.Blocks() as demo:
        n, out = mountui.Number(), mountui.Number()
        changed = n.change(count, n, out)
        submitted = n.submit(greet, n, out)
        loaded = demo.load(lambda: 1, None, n)
    assert changed.config()["triggers"] == [{"id": n.id, "event": "change"}]
    assert changed.config()["stream"] is True
    assert submitted.config()["triggers"] == [{"id": n.id, "event": "submit"}]
    assert loaded.config()["triggers"] == [{"id": None, "event": "load"}]
    assert [d.id for d in demo.dependencies] == [0, 1, 2]


def test_endpoint_names_come_from_the_function_or_api_name_and_stay_unique() -> None:
    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        button = mountui.Button()
        first = button.click(greet, box, box)
        second = button.click(greet, box, box)
        named = button.click(greet, box, box, api_name="/say hello!/")
        hidden = button.click(greet, box, box, api_name=False)
        anonymous = button.click(lambda x: x, box, box)
    assert [d.endpoint for d in demo.dependencies] == ["greet", "greet_1", "say_hello", "_event_3", "lambda"]
    assert (first.show_api, second.show_api, named.show_api) == (True, True, True)
    assert hidden.show_api is False and anonymous.show_api is True


def test_injected_parameters_are_not_inputs() -> None:
    def who(text: str, request: mountui.Request, progress: mountui.Progress = mountui.Progress()) -> str:
        return text

    with mountui.Blocks():
        box = mountui.Textbox()
        dep = mountui.Button().click(who, box, box)
    assert dep.config()["inputs"] == [box.id]
    with pytest.raises(ConfigError, match=r"who\(\) takes 1 input\(s\) \(text\) but the listener gives it 2"):
        with mountui.Blocks():
            a, b = mountui.Textbox(), mountui.Textbox()
            mountui.Button().click(who, [a, b], a)


def test_components_made_outside_the_tree_join_it_when_a_listener_uses_them() -> None:
    hidden = mountui.Textbox(render=False)
    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        box.change(greet, box, hidden)
    assert demo.blocks[hidden.id] is hidden
    assert hidden.id not in [child["id"] for child in demo.layout()["children"]]  # not drawn


@pytest.mark.parametrize(
    ("listen", "message"),
    [
        (lambda box, btn: btn.click(greet, box, box, api_name="events"), "api_name 'events' is reserved"),
        (lambda box, btn: btn.click("greet", box, box), "an event listener needs a function"),
        (lambda box, btn: btn.click(greet, "box", box), "inputs and outputs must be components"),
        (lambda box, btn: btn.click(greet, box, box, concurrency_limit=0), "concurrency_limit must be"),
        (lambda box, btn: btn.click(greet, [], box), r"greet\(\) takes 1 input\(s\) \(name\)"),
        (lambda box, btn: btn._listen("hover", greet, box, box), "Button has no 'hover' event"),
    ],
)
def test_mistakes_are_refused_with_what_to_change(listen: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message), mountui.Blocks():
        listen(mountui.Textbox(), mountui.Button())


def test_one_api_name_cannot_serve_two_listeners() -> None:
    with pytest.raises(ConfigError, match="api_name 'greet' is used twice"), mountui.Blocks():
        box = mountui.Textbox()
        mountui.Button().click(greet, box, box, api_name="greet")
        mountui.Button().click(greet, box, box, api_name="greet")


def test_a_listener_needs_a_blocks() -> None:
    button = mountui.Button(render=False)
    with pytest.raises(ConfigError, match=r"attach \.click\(\) listeners inside `with mountui.Blocks\(\):`"):
        button.click(greet, None, None)
