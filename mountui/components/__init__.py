"""The built-in components; each is one Python class and one frontend module of the same name.

`__all__` is the one list of them: `mountui` re-exports it, and a test checks that every name in it that the
page draws has a module `frontend/src/components/<Name>.js` (and that every such module has a class here).
"""

from mountui.components.audio import Audio
from mountui.components.base import Component, ProcessingContext
from mountui.components.button import Button
from mountui.components.chatbot import Chatbot
from mountui.components.checkbox import Checkbox
from mountui.components.deep_link_button import DeepLinkButton
from mountui.components.dropdown import Dropdown
from mountui.components.file import File
from mountui.components.image import Image
from mountui.components.json_component import JSON
from mountui.components.login_button import LoginButton
from mountui.components.logout_button import LogoutButton
from mountui.components.markdown import Markdown
from mountui.components.number import Number
from mountui.components.radio import Radio
from mountui.components.slider import Slider
from mountui.components.state import State
from mountui.components.textbox import Textbox

__all__ = [
    "JSON",
    "Audio",
    "Button",
    "Chatbot",
    "Checkbox",
    "Component",
    "DeepLinkButton",
    "Dropdown",
    "File",
    "Image",
    "LoginButton",
    "LogoutButton",
    "Markdown",
    "Number",
    "ProcessingContext",
    "Radio",
    "Slider",
    "State",
    "Textbox",
]

# String shortcuts accepted by Interface ("textbox", "number", ...): every component that holds a value a
# function takes or returns; buttons only trigger calls.
SHORTCUTS: dict[str, type[Component]] = {
    name.lower(): cls
    for name in __all__
    if isinstance(cls := globals()[name], type)
    and issubclass(cls, Component)
    and cls is not Component
    and not issubclass(cls, Button)
}
SHORTCUTS["text"] = Textbox
