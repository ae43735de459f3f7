"""The built-in components; each is one Python class and one frontend module of the same name."""

from mountui.components.base import Component, ProcessingContext
from mountui.components.button import Button
from mountui.components.chatbot import Chatbot
from mountui.components.checkbox import Checkbox
from mountui.components.dropdown import Dropdown
from mountui.components.file import File
from mountui.components.image import Image
from mountui.components.json_component import JSON
from mountui.components.markdown import Markdown
from mountui.components.number import Number
from mountui.components.radio import Radio
from mountui.components.slider import Slider
from mountui.components.state import State
from mountui.components.textbox import Textbox

__all__ = [
    "JSON",
    "Button",
    "Chatbot",
    "Checkbox",
    "Component",
    "Dropdown",
    "File",
    "Image",
    "Markdown",
    "Number",
    "ProcessingContext",
    "Radio",
    "Slider",
    "State",
    "Textbox",
]

# String shortcuts accepted by Interface: "textbox", "number", ...
SHORTCUTS: dict[str, type[Component]] = {
    cls.__name__.lower(): cls
    for cls in (
        Textbox,
        Number,
        Slider,
        Checkbox,
        Dropdown,
        Radio,
        Markdown,
        JSON,
        Chatbot,
        File,
        Image,
        State,
    )
}
SHORTCUTS["text"] = Textbox
