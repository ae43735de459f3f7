"""Event listeners: which function runs when, with which inputs and outputs."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mountui.blocks import Block, Blocks, current_root
from mountui.errors import ConfigError
from mountui.injection import FunctionSpec, analyze_function
from mountui.rates import parse_rate_limit

if TYPE_CHECKING:
    from mountui.components.base import Component

ConcurrencyLimit = int | None | Literal["default"]


@dataclass(eq=False)
class Dependency:
    """One event listener: `fn(inputs) -> outputs`, reachable at `P/api/{endpoint}`."""

    id: int
    fn: Callable[..., Any]
    spec: FunctionSpec
    triggers: list[tuple[Block | None, str]]
    inputs: list[Component]
    outputs: list[Component]
    endpoint: str
    show_api: bool
    concurrency_limit: ConcurrencyLimit = "default"
    concurrency_id: str | None = None
    description: str | None = None
    # With a shared store: a call whose worker died is run once more on another worker (only for
    # functions that may safely run twice); otherwise its stream ends with a `worker_lost` error.
    retry_on_worker_loss: bool = False
    rate_limit: str | Literal[False] | None = None  # its own limit; False: not counted in the app-wide one

    @property
    def wire_inputs(self) -> list[Component]:
        return [c for c in self.inputs if not c.server_side]

    @property
    def wire_outputs(self) -> list[Component]:
        return [c for c in self.outputs if not c.server_side]

    @property
    def streams(self) -> bool:
        return self.spec.is_generator or self.spec.is_async_generator

    def config(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "endpoint": self.endpoint,
            "show_api": self.show_api,
            "triggers": [{"id": None if t is None else t.id, "event": e} for t, e in self.triggers],
            "inputs": [c.id for c in self.wire_inputs],
            "outputs": [c.id for c in self.wire_outputs],
            "stream": self.streams,
        }


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return [value]


_API_NAME = re.compile(r"[^A-Za-z0-9_]+")


def _unique_endpoint(blocks: Blocks, wanted: str) -> str:
    taken = {d.endpoint for d in blocks.dependencies}
    name, n = wanted, 1
    while name in taken:
        name = f"{wanted}_{n}"
        n += 1
    return name


def add_dependency(
    blocks: Blocks,
    triggers: list[tuple[Block | None, str]],
    fn: Callable[..., Any],
    inputs: Any,
    outputs: Any,
    *,
    api_name: str | bool | None = None,
    concurrency_limit: ConcurrencyLimit = "default",
    concurrency_id: str | None = None,
    api_description: str | None = None,
    retry_on_worker_loss: bool = False,
    rate_limit: str | Literal[False] | None = None,
) -> Dependency:
    from mountui.components.base import Component

    if not callable(fn):
        raise ConfigError(f"an event listener needs a function, got {fn!r}")
    ins, outs = _as_list(inputs), _as_list(outputs)
    for c in (*ins, *outs):
        if not isinstance(c, Component):
            raise ConfigError(f"inputs and outputs must be components, got {c!r}")
        if c._id is None:
            blocks.register(c)
    spec = analyze_function(fn)
    n_wire = len(ins)
    if spec.required_inputs > n_wire or (spec.max_inputs is not None and n_wire > spec.max_inputs):
        fn_name = getattr(fn, "__name__", repr(fn))
        raise ConfigError(
            f"{fn_name}() takes {spec.required_inputs} input(s) ({', '.join(spec.input_names) or 'none'}) "
            f"but the listener gives it {n_wire}; match `inputs=` to the function's parameters"
        )
    if api_name is False:
        endpoint, show_api = _unique_endpoint(blocks, f"_event_{len(blocks.dependencies)}"), False
    else:
        base = api_name if isinstance(api_name, str) and api_name else getattr(fn, "__name__", "fn")
        base = _API_NAME.sub("_", base.strip("/")).strip("_") or "fn"
        if base == "<lambda>" or base == "lambda":
            base = "lambda"
        if isinstance(api_name, str) and api_name and base in {d.endpoint for d in blocks.dependencies}:
            raise ConfigError(f"api_name {api_name!r} is used twice; give each listener its own name")
        endpoint, show_api = _unique_endpoint(blocks, base), True
    if endpoint == "events":
        raise ConfigError("api_name 'events' is reserved (P/api/events/... resumes streams)")
    if concurrency_limit not in ("default", None) and (
        not isinstance(concurrency_limit, int) or concurrency_limit < 1
    ):
        raise ConfigError(
            f"concurrency_limit must be a positive int, None or 'default', got {concurrency_limit!r}"
        )
    if rate_limit is not None and rate_limit is not False:
        rate_limit = parse_rate_limit(rate_limit).text
    dep = Dependency(
        id=len(blocks.dependencies),
        fn=fn,
        spec=spec,
        triggers=triggers,
        inputs=ins,
        outputs=outs,
        endpoint=endpoint,
        show_api=show_api,
        concurrency_limit=concurrency_limit,
        concurrency_id=concurrency_id,
        description=api_description,
        retry_on_worker_loss=bool(retry_on_worker_loss),
        rate_limit=rate_limit,
    )
    blocks.dependencies.append(dep)
    return dep


class EventTarget:
    """Mixin giving a component listener methods (`click`, `change`, ...) named in `events`."""

    events: Sequence[str] = ()

    def _listen(
        self, event: str, fn: Callable[..., Any], inputs: Any, outputs: Any, **kwargs: Any
    ) -> Dependency:
        if event not in self.events:
            raise ConfigError(f"{type(self).__name__} has no {event!r} event; it has {list(self.events)}")
        root = current_root()
        if root is None:
            assert isinstance(self, Block)
            node = self.parent
            while node is not None and not isinstance(node, Blocks):
                node = node.parent
            root = node
        if root is None:
            raise ConfigError(f"attach .{event}() listeners inside `with mountui.Blocks():`")
        return add_dependency(root, [(self, event)], fn, inputs, outputs, **kwargs)  # type: ignore[list-item]

    def click(self, fn: Callable[..., Any], inputs: Any = None, outputs: Any = None, **kw: Any) -> Dependency:
        return self._listen("click", fn, inputs, outputs, **kw)

    def change(
        self, fn: Callable[..., Any], inputs: Any = None, outputs: Any = None, **kw: Any
    ) -> Dependency:
        return self._listen("change", fn, inputs, outputs, **kw)

    def input(self, fn: Callable[..., Any], inputs: Any = None, outputs: Any = None, **kw: Any) -> Dependency:
        return self._listen("input", fn, inputs, outputs, **kw)

    def submit(
        self, fn: Callable[..., Any], inputs: Any = None, outputs: Any = None, **kw: Any
    ) -> Dependency:
        return self._listen("submit", fn, inputs, outputs, **kw)

    def upload(
        self, fn: Callable[..., Any], inputs: Any = None, outputs: Any = None, **kw: Any
    ) -> Dependency:
        return self._listen("upload", fn, inputs, outputs, **kw)
