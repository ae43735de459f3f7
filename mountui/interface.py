"""Interface: a whole app from one function, its inputs and its outputs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mountui.blocks import Blocks
from mountui.components import SHORTCUTS, Button, Component, Markdown
from mountui.errors import ConfigError
from mountui.injection import analyze_function
from mountui.layouts import Column, Row


def as_component(spec: Any) -> Component:
    if isinstance(spec, Component):
        return spec
    if isinstance(spec, str) and spec.lower() in SHORTCUTS:
        return SHORTCUTS[spec.lower()](render=False)
    if isinstance(spec, type) and issubclass(spec, Component):
        return spec(render=False)
    raise ConfigError(f"unknown component {spec!r}; use a component or one of {sorted(SHORTCUTS)}")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


class Interface(Blocks):
    """Inputs on the left, outputs on the right, Submit and Clear buttons and clickable examples."""

    def __init__(
        self,
        fn: Callable[..., Any],
        inputs: Any,
        outputs: Any,
        *,
        title: str | None = None,
        description: str | None = None,
        examples: Sequence[Any] | None = None,
        api_name: str | bool = "predict",
        submit_btn: str = "Submit",
        clear_btn: str | None = "Clear",
        concurrency_limit: Any = "default",
        rate_limit: str | None = None,
        **blocks_kwargs: Any,
    ) -> None:
        super().__init__(title=title or "mountui", **blocks_kwargs)
        self.fn = fn
        self.input_components = [as_component(c) for c in _as_list(inputs)]
        self.output_components = [as_component(c) for c in _as_list(outputs)]
        # Unlabelled components take the function's parameter names, so the page and the API read well.
        names = analyze_function(fn).input_names
        for component, name in zip(self.input_components, names, strict=False):
            if component.label is None:
                component.label = name
        for index, component in enumerate(self.output_components):
            if component.label is None:
                component.label = "output" if len(self.output_components) == 1 else f"output {index + 1}"
        self.examples = [list(e) if isinstance(e, (list, tuple)) else [e] for e in (examples or [])]
        for example in self.examples:
            if len(example) != len(self.input_components):
                raise ConfigError(
                    f"each example needs {len(self.input_components)} value(s), one per input; got {example!r}"
                )
        with self:
            if title:
                Markdown(f"# {title}")
            if description:
                Markdown(description)
            with Row():
                with Column():
                    for c in self.input_components:
                        c.render()
                    with Row():
                        clear = Button(clear_btn, variant="secondary") if clear_btn else None
                        submit = Button(submit_btn, variant="primary")
                with Column():
                    for c in self.output_components:
                        c.render()
            self.submit_button = submit
            self.clear_button = clear
            self.api_dependency = submit.click(
                fn,
                self.input_components,
                self.output_components,
                api_name=api_name,
                concurrency_limit=concurrency_limit,
                rate_limit=rate_limit,
            )
            if clear is not None:
                wire = [c for c in (*self.input_components, *self.output_components) if not c.server_side]
                defaults = [c.value() if callable(c.value) else c.value for c in wire]
                # Clearing runs no user code: it never counts against a rate limit.
                clear.click(
                    _constant(defaults, len(wire)),
                    None,
                    wire,
                    api_name=False,
                    concurrency_limit=None,
                    rate_limit=False,
                )
            for c in self.input_components:
                if hasattr(c, "submit") and "submit" in c.events and type(c).__name__ == "Textbox":
                    c.submit(
                        fn,
                        self.input_components,
                        self.output_components,
                        api_name=False,
                        concurrency_limit=concurrency_limit,
                        concurrency_id=self.api_dependency.endpoint,
                        rate_limit=rate_limit,
                    )

    def extra_config(self) -> dict[str, Any]:
        if not self.examples:
            return {}
        pairs = [(i, c) for i, c in enumerate(self.input_components) if not c.server_side]
        rows = [[c.postprocess(row[i], None) for i, c in pairs] for row in self.examples]
        return {"examples": [{"inputs": [c.id for _, c in pairs], "rows": rows}]}


def _constant(values: list[Any], count: int) -> Callable[[], Any]:
    def clear() -> Any:
        return values[0] if count == 1 else tuple(values)

    return clear
