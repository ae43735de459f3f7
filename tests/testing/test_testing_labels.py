"""A test that names something the page does not have fails with a message saying what the page has."""

from __future__ import annotations

import pytest

import mountui
from mountui.testing import AmbiguousLabelError, LabelNotFoundError, UITestError


@pytest.fixture
def ui(mountui_ui):
    with mountui.Blocks() as demo:
        name = mountui.Textbox(label="Name")
        mountui.Textbox(label="Note", elem_id="first-note")
        mountui.Textbox(label="Note", elem_id="second-note")
        out = mountui.Textbox(label="Greeting")
        mountui.Dropdown(["tea", "coffee"], label="Drink")
        mountui.Textbox(label="Secret", visible=False)
        mountui.Button("Greet").click(lambda n: f"Hi {n}", name, out)
        mountui.Button("Docs", link="https://example.com/docs")
    return mountui_ui(demo)


def test_a_missing_label_lists_the_labels_that_exist(ui):
    with pytest.raises(LabelNotFoundError) as caught:
        ui.fill("Nmae", "Ada")
    message = str(caught.value)
    assert "'Nmae'" in message
    assert "labels: 'Name', 'Note', 'Note', 'Greeting', 'Secret'" in message  # what can be filled


def test_an_ambiguous_label_says_so_and_how_to_pick_one(ui):
    with pytest.raises(AmbiguousLabelError, match=r"2 components are labelled 'Note'.*#first-note"):
        ui.fill("Note", "x")
    ui.fill("#second-note", "picked by elem_id")
    assert ui.value("#second-note") == "picked by elem_id"


def test_a_label_of_another_kind_of_component_is_not_found_for_the_action(ui):
    with pytest.raises(LabelNotFoundError, match=r"no button labelled 'Name'.*labels: 'Greet', 'Docs'"):
        ui.click("Name")


def test_what_a_user_cannot_do_is_refused(ui):
    with pytest.raises(UITestError, match="'Greeting' is not interactive"):
        ui.fill("Greeting", "typed into an output")
    with pytest.raises(UITestError, match="'Secret' is hidden"):
        ui.fill("Secret", "x")
    with pytest.raises(UITestError, match=r"offers no choice 'milk'; choices: \['tea', 'coffee'\]"):
        ui.select("Drink", "milk")
    with pytest.raises(UITestError, match=r"is a link to 'https://example\.com/docs'"):
        ui.click("Docs")


def test_labels_match_ignoring_case_and_the_failure_is_an_assertion(ui):
    ui.fill("name", "Ada")
    ui.click("greet")
    assert ui.value("GREETING") == "Hi Ada"
    assert issubclass(UITestError, AssertionError)  # pytest reports a failed test, not an error
