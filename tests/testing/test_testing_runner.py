"""UITester runs what the page runs: load events, change chains, streamed outputs, re-runs, State per tab,
error toasts. Each app here is built for the behaviour it shows."""

from __future__ import annotations

import time

import mountui
from mountui.testing import UITester


def test_load_events_run_when_the_page_opens(mountui_ui):
    def hello(request: mountui.Request) -> str:
        return f"Opened by {request.username or 'a guest'}"

    with mountui.Blocks() as demo:
        out = mountui.Textbox(label="Welcome")
        demo.load(hello, None, out)

    ui = mountui_ui(demo)
    assert ui.value("Welcome") == "Opened by a guest"
    assert [e.kind for e in ui.events] == ["started", "complete"]


def test_an_output_that_changes_a_value_fires_change_but_not_input(mountui_ui):
    seen_input: list[str] = []

    def noticed(text: str) -> str:
        seen_input.append(text)
        return text

    with mountui.Blocks() as demo:
        word = mountui.Textbox(label="Word")
        upper = mountui.Textbox(label="Upper")
        length = mountui.Number(label="Length")
        echo = mountui.Textbox(label="Echo")
        word.change(str.upper, word, upper, api_name="upper")
        upper.change(len, upper, length, api_name="length")  # runs because the output changed Upper
        upper.input(noticed, upper, echo, api_name="noticed")  # `input` is the user's typing only

    ui = mountui_ui(demo)
    ui.fill("Word", "ada")
    assert (ui.value("Upper"), ui.value("Length")) == ("ADA", 3)
    assert ui.value("Echo") == "" and seen_input == []
    ui.fill("Upper", "typed")  # typed by the user: `input` runs
    assert ui.value("Echo") == "typed" and ui.value("Length") == 5


def test_partial_outputs_of_a_generator_are_applied_and_chain(mountui_ui):
    def count(upto: float):
        for i in range(1, int(upto) + 1):
            yield " ".join(str(n) for n in range(1, i + 1))

    lengths: list[str] = []

    def measure(text: str) -> str:
        lengths.append(text)
        return f"{len(text.split())} numbers"

    with mountui.Blocks() as demo:
        upto = mountui.Number(label="Up to", value=3)
        counted = mountui.Textbox(label="Counted")
        size = mountui.Textbox(label="Size")
        mountui.Button("Count").click(count, upto, counted)
        counted.change(measure, counted, size)

    ui = mountui_ui(demo)
    events = ui.click("Count")
    assert [e.data["data"] for e in events if e.endpoint == "count" and e.kind == "output"] == [
        ["1"],
        ["1 2"],
        ["1 2 3"],
    ]
    assert ui.value("Counted") == "1 2 3" and ui.value("Size") == "3 numbers"
    assert lengths[0] == "1" and lengths[-1] == "1 2 3"  # a partial output fired `change` at once


def test_a_dependency_triggered_while_it_runs_runs_once_more_with_the_newest_values(mountui_ui):
    def burst():
        yield from ("a", "ab", "abc", "abcd")

    calls: list[str] = []

    def slow(text: str) -> str:
        calls.append(text)
        time.sleep(0.3)
        return text

    with mountui.Blocks() as demo:
        typed = mountui.Textbox(label="Typed")
        last = mountui.Textbox(label="Last")
        mountui.Button("Type").click(burst, None, typed)
        typed.change(slow, typed, last)

    ui = mountui_ui(demo)
    ui.click("Type")
    assert calls == ["a", "abcd"]  # the first change, then one more run for all the changes meanwhile
    assert ui.value("Last") == "abcd"


def test_state_is_kept_per_tab_and_a_reload_starts_it_over(mountui_ui):
    def bump(n: int) -> tuple[int, str]:
        return n + 1, f"{n + 1} clicks"

    with mountui.Blocks() as demo:
        clicks = mountui.State(0)
        shown = mountui.Textbox(label="Clicks")
        mountui.Button("Click").click(bump, clicks, [clicks, shown])

    ui = mountui_ui(demo)
    ui.click("Click")
    ui.click("Click")
    other = ui.open_tab()
    other.click("Click")
    assert (ui.value("Clicks"), other.value("Clicks")) == ("2 clicks", "1 clicks")
    ui.reload()
    ui.click("Click")
    assert ui.value("Clicks") == "1 clicks"


def test_an_error_shows_a_toast_until_the_next_action(mountui_ui):
    def divide(a: float, b: float) -> float:
        if b == 0:
            raise mountui.Error("Cannot divide by zero.")
        return a / b

    with mountui.Blocks() as demo:
        a = mountui.Number(label="A", value=1)
        b = mountui.Number(label="B", value=0)
        out = mountui.Number(label="Result")
        mountui.Button("Divide").click(divide, [a, b], out)

    ui = mountui_ui(demo)
    events = ui.click("Divide")
    assert ui.error == "Cannot divide by zero."
    assert events[-1].kind == "error" and events[-1].message == "Cannot divide by zero."
    assert ui.value("Result") is None
    ui.fill("B", "4")
    ui.click("Divide")
    assert ui.error is None and ui.value("Result") == 0.25
    assert [t.message for t in ui.toasts] == ["Cannot divide by zero."]


def test_choices_checkboxes_and_sliders_hold_what_the_page_would(mountui_ui):
    def summary(colour: str | None, sizes: list[str], agree: bool, level: float) -> dict:
        return {"colour": colour, "sizes": sizes, "agree": agree, "level": level}

    with mountui.Blocks() as demo:
        colour = mountui.Radio([("Red", "r"), ("Green", "g")], label="Colour")
        sizes = mountui.Dropdown(["S", "M", "L"], multiselect=True, label="Sizes")
        agree = mountui.Checkbox(label="Agree")
        level = mountui.Slider(0, 10, value=5, step=2, label="Level")
        out = mountui.JSON(label="Summary")
        for component in (colour, sizes, agree, level):
            component.change(summary, [colour, sizes, agree, level], out)

    ui = mountui_ui(demo)
    ui.select("Colour", "Green")  # by the label shown; the value is sent
    ui.select("Sizes", "L")
    ui.select("Sizes", "S")
    ui.deselect("Sizes", "L")
    ui.check("Agree")
    assert ui.check("Agree") == []  # already ticked: nothing happens
    ui.fill("Level", 7.2)  # snapped to the step, as the range input does
    assert ui.value("Summary") == {"colour": "g", "sizes": ["S"], "agree": True, "level": 8}
    ui.fill("Level", 99)
    assert ui.value("Level") == 10


def test_a_failed_upload_shows_the_toast_and_keeps_the_file_empty(mountui_ui, tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    with mountui.Blocks() as demo:
        file = mountui.File(label="Document")
        name = mountui.Textbox(label="Name")
        file.upload(lambda f: f, file, name)

    ui = UITester(demo.build_app(max_file_size=1024), "/")
    try:
        ui.upload("Document", big)
        assert ui.toasts[-1].title == "Upload failed" and ui.error
        assert ui.value("Document") is None
        ui.upload("Document", ("small.txt", b"hello"))
        assert ui.value("Document")["name"] == "small.txt" and ui.value("Name").endswith("small.txt")
    finally:
        ui.close()
