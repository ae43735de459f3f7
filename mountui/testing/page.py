"""The page a user sees, built from the app's configuration (`GET P/config`) without any I/O: which
components are on it, their labels and values, and which dependencies listen to which events.

It follows frontend/src/app.js: only components placed in the layout exist on the page (a `render=False`
input sends `null`), an event output that changes a value fires `change`, and a streamed value equal to the
one last applied during the same call is not applied again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mountui.testing.errors import AmbiguousLabelError, LabelNotFoundError, UITestError
from mountui.testing.values import BUTTONS, FALLBACK_LABELS, FILE_TYPES, js_json, login_label, shown

LAYOUT_TYPES = frozenset({"Row", "Column", "Tabs", "Tab", "Accordion", "Group"})


@dataclass(frozen=True)
class UIComponent:
    """One component as the page shows it: its label, current value (wire form) and properties."""

    id: int
    type: str
    label: str
    value: Any
    props: dict[str, Any]
    interactive: bool
    visible: bool


class PageModel:
    """Components, labels, values and listeners of one open page (one browser tab)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.session_id: str | None = config.get("session_id")
        self.specs: dict[int, dict[str, Any]] = {c["id"]: c for c in config.get("components") or []}
        self.dependencies: list[dict[str, Any]] = list(config.get("dependencies") or [])
        self.listeners: dict[tuple[int | None, str], list[dict[str, Any]]] = {}
        inputs: set[int] = set()
        outputs: set[int] = set()
        for dep in self.dependencies:
            inputs.update(dep.get("inputs") or [])
            outputs.update(dep.get("outputs") or [])
            for trigger in dep.get("triggers") or []:
                self.listeners.setdefault((trigger.get("id"), trigger["event"]), []).append(dep)
        self._inputs, self._outputs = inputs, outputs
        self.order: list[int] = []  # components on the page, in layout order
        self.hidden: set[int] = set()
        layout = config.get("layout") or {
            "children": [{"id": c["id"]} for c in config.get("components") or []]
        }
        for node in layout.get("children") or []:
            self._place(node, hidden=False)
        self.values: dict[int, Any] = {
            cid: self._shown(cid, self.specs[cid].get("value")) for cid in self.order
        }

    def _place(self, node: dict[str, Any], hidden: bool) -> None:
        spec = self.specs.get(node.get("id"))  # type: ignore[arg-type]
        hidden = hidden or bool(spec and spec.get("props", {}).get("visible") is False)
        if spec is not None and "children" not in node and spec["type"] not in LAYOUT_TYPES:
            self.order.append(spec["id"])
            if hidden:
                self.hidden.add(spec["id"])
        for child in node.get("children") or []:
            self._place(child, hidden)

    def _shown(self, cid: int, value: Any) -> Any:
        spec = self.specs[cid]
        return shown(spec["type"], spec.get("props") or {}, value, self.config)

    # --- reading ---
    def interactive(self, cid: int) -> bool:
        """The `interactive` prop, else "unless it is only an output" (App.isInteractive)."""
        flag = (self.specs[cid].get("props") or {}).get("interactive")
        if isinstance(flag, bool):
            return flag
        return cid in self._inputs or cid not in self._outputs

    def label(self, cid: int) -> str:
        spec = self.specs[cid]
        kind, props = spec["type"], spec.get("props") or {}
        if kind in BUTTONS:
            value = self.values.get(cid, "")
            if kind == "LoginButton" and not value:
                return login_label(self.config)
            return str(value)
        label = props.get("label")
        return str(label) if label is not None else FALLBACK_LABELS.get(kind, kind)

    def component(self, cid: int) -> UIComponent:
        spec = self.specs[cid]
        return UIComponent(
            id=cid,
            type=spec["type"],
            label=self.label(cid),
            value=self.values.get(cid),
            props=dict(spec.get("props") or {}),
            interactive=self.interactive(cid),
            visible=cid not in self.hidden,
        )

    def components(self) -> Iterator[UIComponent]:
        for cid in self.order:
            yield self.component(cid)

    def find(self, locator: str, types: frozenset[str] | None = None, action: str = "use") -> UIComponent:
        """The one component a user means by `locator`: its label (exact, else ignoring case), or
        `#elem_id`. `types` narrows the search to what the action works on.
        """
        candidates = [c for c in self.components() if types is None or c.type in types]
        if locator.startswith("#"):
            found = [c for c in candidates if c.props.get("elem_id") == locator[1:]]
        else:
            found = [c for c in candidates if c.label == locator]
            if not found:
                found = [c for c in candidates if c.label.strip().casefold() == locator.strip().casefold()]
        if len(found) == 1:
            return found[0]
        kinds = _noun(types)
        if not found:
            labels = ", ".join(repr(c.label) for c in candidates) or "none"
            raise LabelNotFoundError(
                f"no {kinds} labelled {locator!r} to {action} on the page; labels: {labels}"
            )
        listed = "; ".join(
            f"{c.type} #{c.props['elem_id']}" if c.props.get("elem_id") else f"{c.type} (id {c.id})"
            for c in found
        )
        raise AmbiguousLabelError(
            f"{len(found)} components are labelled {locator!r} ({listed}); give one an elem_id and use "
            f"'#elem_id', or pass a narrower label"
        )

    def usable(self, cid: int, action: str) -> None:
        """Refuse what a user could not do: type into a read-only box, click a hidden button."""
        c = self.component(cid)
        if not c.visible:
            raise UITestError(f"{c.type} {c.label!r} is hidden (visible=False): a user cannot {action} it")
        if not c.interactive:
            raise UITestError(f"{c.type} {c.label!r} is not interactive: a user cannot {action} it")

    def input_value(self, cid: int) -> Any:
        """What the page sends for an input: a component not on the page sends null."""
        return self.values.get(cid)

    def listens(self, cid: int | None, event: str) -> bool:
        return (cid, event) in self.listeners

    # --- changing ---
    def set_value(self, cid: int, value: Any) -> bool:
        """Show `value` (wire form); True when what the component holds changed."""
        before = js_json(self.values.get(cid))
        self.values[cid] = self._shown(cid, value)
        return js_json(self.values[cid]) != before

    def apply_outputs(self, dep: dict[str, Any], values: Any, seen: dict[int, str]) -> list[int]:
        """Apply a result to the dependency's outputs; the ids whose value changed (they fire `change`)."""
        if not isinstance(values, list):
            return []
        changed = []
        for cid, value in zip(dep.get("outputs") or [], values, strict=False):
            text = js_json(value)
            if seen.get(cid) == text:
                continue
            seen[cid] = text
            if cid in self.values and self.set_value(cid, value):
                changed.append(cid)
        return changed


def _noun(types: frozenset[str] | None) -> str:
    """What an action looks for, in a user's words."""
    if not types:
        return "component"
    if types == BUTTONS:
        return "button"
    if types == FILE_TYPES:
        return "file input"
    names = sorted(types)
    return " or ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} or {names[-1]}"
