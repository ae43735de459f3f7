"""What each component shows, as the browser's component modules (frontend/src/components/*.js) hold it.

A value the app sends is put through `shown(type, props, value)`: the equivalent of the page's
`setValue(value)` then `getValue()` (a Textbox shows `None` as "", a Radio drops a value outside its choices, a
Slider snaps to its step). `EVENTS` lists the trigger events each component type can fire; a test reads the
JavaScript modules and checks that the two agree.
"""

from __future__ import annotations

import json
import math
from typing import Any

# Trigger events each component type fires in the page. Every component fires `change` when an event output
# changes its value (`Component.update` in _shared/base.js); `userChanged` is `input` then `change`.
_VALUE = frozenset({"input", "change"})
_FILES = _VALUE | {"upload", "clear"}
EVENTS: dict[str, frozenset[str]] = {
    "Textbox": _VALUE | {"submit"},
    "Number": _VALUE | {"submit"},
    "Slider": _VALUE,
    "Checkbox": _VALUE,
    "Dropdown": _VALUE,
    "Radio": _VALUE,
    "File": _FILES,
    "Image": _FILES,
    "Audio": _FILES,
    "Button": frozenset({"click", "change"}),
    "LoginButton": frozenset({"click", "change"}),
    "LogoutButton": frozenset({"click", "change"}),
    "DeepLinkButton": frozenset({"click", "change"}),
    "Markdown": frozenset({"change"}),
    "JSON": frozenset({"change"}),
    "Chatbot": frozenset({"change"}),
}

# The label a component without one is shown with (`labelFor(id, fallback)` in the page).
FALLBACK_LABELS = {
    "Textbox": "Textbox",
    "Number": "Number",
    "Slider": "Slider",
    "Checkbox": "Checkbox",
    "Dropdown": "Dropdown",
    "Radio": "Radio",
    "Chatbot": "Chatbot",
    "JSON": "JSON",
    "File": "File",
    "Image": "Image",
    "Audio": "Audio file",
    "Markdown": "Markdown",
}
BUTTONS = frozenset({"Button", "LoginButton", "LogoutButton", "DeepLinkButton"})
FILE_TYPES = frozenset({"File", "Image", "Audio"})
_PROVIDER_NAMES = {"github": "GitHub", "gitlab": "GitLab", "huggingface": "Hugging Face"}


def js_json(value: Any) -> str:
    """`JSON.stringify(value)`: how the page compares values (1.0 and 1 are the same number there)."""
    return json.dumps(_js_numbers(value), ensure_ascii=False, separators=(",", ":"))


def _js_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_js_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _js_numbers(v) for k, v in value.items()}
    return value


def js_string(value: Any) -> str:
    """`String(value)` for wire values."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        return ",".join(js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def js_truthy(value: Any) -> bool:
    """`Boolean(value)`: an empty list or object is true in JavaScript."""
    if isinstance(value, (list, dict)):
        return True
    return bool(value)


def choice_pairs(props: dict[str, Any]) -> list[tuple[str, Any]]:
    """`[label, value]` pairs of a Dropdown or Radio (a bare choice is its own label)."""
    pairs = []
    for choice in props.get("choices") or []:
        if isinstance(choice, list | tuple) and len(choice) == 2:
            pairs.append((js_string(choice[0]), choice[1]))
        else:
            pairs.append((js_string(choice), choice))
    return pairs


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _as_int_if_whole(number: float) -> float | int:
    return int(number) if number.is_integer() else number


def slider_value(props: dict[str, Any], value: Any) -> float | int:
    """A range input's value: clamped to its bounds and snapped to its step, as the browser does."""
    low = _number(props.get("minimum"))
    low = 0.0 if low is None else low
    high = _number(props.get("maximum"))
    high = 100.0 if high is None else high
    step = _number(props.get("step")) or 1.0
    number = _number(value)
    if number is None:
        number = low
    if high < low:
        high = low
    number = min(max(number, low), high)
    snapped = low + math.floor((number - low) / step + 0.5) * step
    while snapped > high:
        snapped -= step
    return _as_int_if_whole(round(snapped, 10))


def login_label(config: dict[str, Any]) -> str:
    oauth = config.get("oauth") or {}
    if oauth.get("name"):
        return f"Sign out ({oauth['name']})"
    provider = oauth.get("provider")
    if provider:
        name = _PROVIDER_NAMES.get(provider) or provider[:1].upper() + provider[1:]
        return f"Sign in with {name}"
    return "Sign in"


def shown(kind: str, props: dict[str, Any], value: Any, config: dict[str, Any] | None = None) -> Any:
    """The value a component of type `kind` holds after the page is given `value` (wire form)."""
    if kind in ("Textbox", "Markdown", "Button", "LogoutButton", "DeepLinkButton"):
        return js_string(value)
    if kind == "LoginButton":
        text = js_string(value) if js_truthy(value) else ""
        return "" if text == login_label(config or {}) else text
    if kind == "Number":
        number = _number(value)
        return None if number is None else _as_int_if_whole(number)
    if kind == "Slider":
        return slider_value(props, value)
    if kind == "Checkbox":
        return js_truthy(value)
    if kind == "Radio":
        values = [v for _, v in choice_pairs(props)]
        return value if value is not None and value in values else None
    if kind == "Dropdown":
        if props.get("multiselect"):
            return list(value) if isinstance(value, list) else [] if value is None else [value]
        return value
    if kind in FILE_TYPES:
        files = [f for f in (value if isinstance(value, list) else [value]) if js_truthy(f)]
        if props.get("file_count") == "multiple":
            return [dict(f) for f in files]
        return dict(files[0]) if files else None
    if kind == "Chatbot":
        messages = value if isinstance(value, list) else []
        return [
            {
                "role": "user" if m.get("role") == "user" else "assistant",
                "content": js_string(m.get("content")),
            }
            for m in messages
            if isinstance(m, dict)
        ]
    return value  # JSON, and types this model does not know (shown as they came)
