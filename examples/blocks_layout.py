"""Layouts, several components and events: rows, columns, tabs, an accordion, state and files."""

from __future__ import annotations

from pathlib import Path

import mountui


def describe(name: str, age: float, color: str, likes: list[str], member: bool) -> dict:
    return {"name": name, "age": age, "color": color, "likes": likes, "member": member}


def add_note(note: str, notes: list[str]) -> tuple[list[str], str, str]:
    notes = [*notes, note]
    return notes, "\n".join(f"- {n}" for n in notes), ""


def word_count(path: str | None) -> str:
    if path is None:
        return "No file."
    text = Path(path).read_text(errors="replace")
    return f"{len(text.split())} words, {len(text)} characters"


with mountui.Blocks(title="Layout tour") as demo:
    mountui.Markdown("# Layout tour")
    with mountui.Tabs():
        with mountui.Tab("Form"):
            with mountui.Row():
                with mountui.Column():
                    name = mountui.Textbox(label="Name", info="Your full name")
                    age = mountui.Number(label="Age", value=30, minimum=0, maximum=150, precision=0)
                    color = mountui.Radio(["red", "green", "blue"], value="green", label="Favourite colour")
                    likes = mountui.Dropdown(["tea", "coffee", "cake"], multiselect=True, label="Likes")
                    member = mountui.Checkbox(label="Member")
                    submit = mountui.Button("Describe", variant="primary")
                with mountui.Column():
                    summary = mountui.JSON(label="Summary")
            submit.click(describe, [name, age, color, likes, member], summary, api_name="describe")
        with mountui.Tab("Notes"):
            notes = mountui.State([])
            note = mountui.Textbox(label="Note", placeholder="Type and press Enter")
            shown = mountui.Markdown(elem_id="notes")
            note.submit(add_note, [note, notes], [notes, shown, note], api_name="add_note")
        with mountui.Tab("Files"), mountui.Group():
            upload = mountui.File(label="A text file")
            counted = mountui.Textbox(label="Count")
            upload.change(word_count, upload, counted, api_name="word_count")
    with mountui.Accordion("About", open=False):
        mountui.Markdown("Built with **mountui**. Everything on this page is also an API: see *Use via API*.")

if __name__ == "__main__":
    demo.launch()
