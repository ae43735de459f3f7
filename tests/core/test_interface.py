"""Interface and ChatInterface: whole apps from one function."""

from __future__ import annotations

import time

import pytest
from support.sse import stream_call

import mountui


def test_interface_lays_out_inputs_outputs_buttons_and_examples(live, http):
    demo = mountui.Interface(
        lambda name, times: (name + "!") * int(times),
        ["textbox", mountui.Number(label="Times", value=1)],
        "textbox",
        title="Shout",
        description="Says it louder",
        examples=[["hi", 2], ["yo", 3]],
    )
    base = live(demo)
    config = http.get(f"{base}/config").json()
    types = [c["type"] for c in config["components"]]
    assert types.count("Textbox") == 2 and types.count("Button") == 2 and types.count("Markdown") == 2
    labels = [
        c["props"].get("value") or c.get("value") for c in config["components"] if c["type"] == "Button"
    ]
    assert labels == ["Clear", "Submit"]
    assert config["examples"] == [
        {"inputs": [demo.input_components[0].id, demo.input_components[1].id], "rows": [["hi", 2], ["yo", 3]]}
    ]
    predict = next(d for d in config["dependencies"] if d["endpoint"] == "predict")
    assert predict["show_api"] is True
    assert http.post(f"{base}/api/predict", json={"data": ["a", 3]}).json() == {"data": ["a!a!a!"]}
    clear = next(d for d in config["dependencies"] if not d["show_api"] and d["inputs"] == [])
    assert http.post(f"{base}/api/{clear['endpoint']}", json={"data": []}).json() == {"data": ["", 1, ""]}


def test_interface_examples_must_match_the_inputs():
    with pytest.raises(mountui.ConfigError, match="each example needs 2 value"):
        mountui.Interface(lambda a, b: a, ["textbox", "textbox"], "textbox", examples=[["only one"]])


def test_unknown_shortcut_is_a_clear_error():
    with pytest.raises(mountui.ConfigError, match="unknown component 'texbox'"):
        mountui.Interface(lambda a: a, "texbox", "textbox")


def test_chat_interface_streams_the_reply_and_takes_history(live, http):
    def echo(message: str, history: list[dict[str, str]]):
        reply = f"{message} (after {len(history)} messages)"
        for end in range(1, len(reply) + 1, 5):
            time.sleep(0.01)
            yield reply[:end]
        yield reply

    demo = mountui.ChatInterface(echo, title="Echo")
    base = live(demo)
    history = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    assert http.post(f"{base}/api/chat", json={"data": ["hi", history]}).json() == {
        "data": ["hi (after 2 messages)"]
    }
    events = stream_call(http, f"{base}/api/chat", ["hi", []])
    partial = [e["data"]["data"][0] for e in events if e["event"] == "output"]
    assert len(partial) > 2 and partial[0] == "h" and partial[-1] == "hi (after 0 messages)"

    # The page's own event appends the user's message, then streams the assistant's into the history.
    config = http.get(f"{base}/config").json()
    ui = next(d for d in config["dependencies"] if any(t["event"] == "submit" for t in d["triggers"]))
    events = stream_call(http, f"{base}/api/{ui['endpoint']}", ["hello", history])
    first = events[1]["data"]["data"]
    assert first[0][-1]["content"] == "hello" and first[1] == ""
    final = events[-1]["data"]["data"][0]
    assert [m["role"] for m in final] == ["user", "assistant", "user", "assistant"]
    assert final[-1]["content"] == "hello (after 2 messages)"
    assert final[-1]["html"] == "<p>hello (after 2 messages)</p>\n"


def test_chat_interface_with_plain_and_async_functions(live, http):
    async def reply(message, history):
        return f"async {message}"

    base = live(mountui.ChatInterface(reply))
    assert http.post(f"{base}/api/chat", json={"data": ["x", []]}).json() == {"data": ["async x"]}
    base = live(mountui.ChatInterface(lambda m, h: m.upper(), api_name="shout"))
    assert http.post(f"{base}/api/shout", json={"data": ["x", []]}).json() == {"data": ["X"]}


def test_chat_function_gets_the_request(live, http):
    def who(message: str, history: list, request: mountui.Request) -> str:
        return request.headers.get("x-name", "?")

    base = live(mountui.ChatInterface(who))
    answer = http.post(f"{base}/api/chat", json={"data": ["x", []]}, headers={"X-Name": "Zoe"})
    assert answer.json() == {"data": ["Zoe"]}
