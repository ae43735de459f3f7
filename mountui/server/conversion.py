"""Values between the wire and the user's function: input validation, and outputs converted for the wire."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
from pydantic import ConfigDict, TypeAdapter, ValidationError

from mountui.calling import call_callback
from mountui.components import Component
from mountui.errors import CallError, OutputError
from mountui.events import Dependency
from mountui.server.deep_links import link_of, link_owner
from mountui.server.files import FileStore

logger = logging.getLogger("mountui")


class CallContext:
    """What components may ask of the server while converting one call's values."""

    def __init__(self, files: FileStore, owner: str | None, base_path: str) -> None:
        self.files, self.owner, self.base_path = files, owner, base_path

    def file_input(self, ref: dict[str, Any]) -> Any:
        try:
            return self.files.get(str(ref["id"]), self.owner)
        except CallError as refused:
            # A file a deep link kept, sent back by a page opened from that link (its URL names the link).
            link = link_of(ref)
            if refused.status != 403 or link is None:
                raise
            return self.files.get(str(ref["id"]), link_owner(link))

    def file_output(self, value: Any, name: str | None = None) -> dict[str, Any]:
        return self.files.add_output(value, self.owner, name).wire(self.base_path)


def strict_tuple(dep: Dependency) -> TypeAdapter[Any]:
    types = tuple(c.type_annotation() for c in dep.wire_inputs)
    return TypeAdapter(tuple[types] if types else tuple[()], config=ConfigDict(strict=True))  # type: ignore[valid-type]


def to_wire(component: Component, value: Any, ctx: CallContext | None) -> Any:
    return to_wire_sized(component, value, ctx)[0]


def to_wire_sized(component: Component, value: Any, ctx: CallContext | None) -> tuple[Any, int]:
    """One output value on the wire and its size in JSON bytes, or an OutputError naming the output: here,
    inside the call's error handling, so a value that cannot be sent ends the call with an error event,
    never a cut response."""
    try:
        wire = component.postprocess(value, ctx)
        size = len(orjson.dumps(wire, option=orjson.OPT_SERIALIZE_NUMPY))
    except (CallError, OutputError):
        raise
    except Exception as exc:
        raise OutputError(
            f"output {component.api_label()!r} ({type(component).__name__}) cannot show the "
            f"{type(value).__name__} the function returned: {exc}"
        ) from exc
    return wire, size


def validate_values(dep: Dependency, body: Any, validator: TypeAdapter[Any]) -> list[Any]:
    """The call's values, checked against its input components (strict: no coercion), or a 400 naming
    the input that is wrong."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise CallError(400, "validation_error", 'the body must be a JSON object {"data": [...]}')
    data = body["data"]
    wire = dep.wire_inputs
    if len(data) != len(wire):
        names = ", ".join(c.api_label() for c in wire) or "none"
        raise CallError(
            400,
            "validation_error",
            f"{dep.endpoint} takes {len(wire)} value(s) ({names}), got {len(data)}",
        )
    try:
        return list(validator.validate_python(tuple(data)))
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:5]:
            index = err["loc"][0] if err["loc"] else 0
            label = wire[index].api_label() if isinstance(index, int) and index < len(wire) else "input"
            where = "".join(f"[{p}]" for p in err["loc"][1:])
            problems.append(f"{label}{where}: {err['msg']}")
        raise CallError(400, "validation_error", "; ".join(problems)) from None


async def initial_values(components: list[Component]) -> dict[int, Any]:
    """Call each `value=fn` as every user function is called (async on the loop, sync in a worker
    thread, never blocking the page's other requests) and convert it like an output. One that fails is
    logged and leaves its component empty: the page still opens."""

    async def one(component: Component) -> Any:
        try:
            return to_wire(component, await call_callback(component.value), None)
        except Exception:
            logger.exception("mountui: the default value of %s raised", component.api_label())
            return None

    values = await asyncio.gather(*(one(c) for c in components))
    return {c.id: v for c, v in zip(components, values, strict=True)}
