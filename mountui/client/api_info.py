"""The API description a client reads from `GET P/api_info`: endpoints, binding arguments to their
parameters, and the text `view_api()` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mountui.client.errors import NotFoundError, ValidationError


@dataclass(frozen=True)
class Endpoint:
    name: str
    description: str
    stream: bool
    parameters: list[dict[str, Any]]
    returns: list[dict[str, Any]]

    @classmethod
    def from_info(cls, info: dict[str, Any]) -> Endpoint:
        return cls(
            name=info["name"],
            description=info.get("description") or "",
            stream=bool(info.get("stream")),
            parameters=list(info.get("parameters", [])),
            returns=list(info.get("returns", [])),
        )

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        """One value per parameter, in order, from positional and keyword arguments (defaults fill gaps)."""
        params = self.parameters
        names = [p["name"] for p in params]
        if len(args) > len(params):
            raise ValidationError(
                f"{self.name} takes {len(params)} parameter(s) ({', '.join(names) or 'none'}), "
                f"got {len(args)} positional value(s)",
                code="validation_error",
            )
        kwargs = dict(kwargs)
        values = list(args)
        for name in names[: len(args)]:
            if name in kwargs:
                raise ValidationError(f"{self.name}: {name} is given twice", code="validation_error")
        for param in params[len(args) :]:
            if param["name"] in kwargs:
                values.append(kwargs.pop(param["name"]))
            elif param.get("has_default"):
                values.append(param.get("default"))
            else:
                raise ValidationError(
                    f"{self.name} needs a value for {param['name']} ({param.get('type', 'Any')})",
                    code="validation_error",
                )
        if kwargs:
            raise ValidationError(
                f"{self.name} has no parameter(s) {', '.join(sorted(kwargs))}; it takes {', '.join(names)}",
                code="validation_error",
            )
        return values

    def signature(self) -> str:
        args = []
        for p in self.parameters:
            default = f" = {p['default']!r}" if p.get("has_default") else ""
            args.append(f"{p['name']}: {_shown_type(p, True)}{default}")
        args.append(f'api_name="{self.name}"')
        results = [_shown_type(r, False) for r in self.returns]
        returned = "None" if not results else results[0] if len(results) == 1 else f"({', '.join(results)})"
        return f"({', '.join(args)}) -> {returned}"


def _shown_type(value: dict[str, Any], is_input: bool) -> str:
    kind = value.get("file")
    if kind:
        one = "str | Path | bytes" if is_input else "str"
        return f"list[{one}]" if kind == "multiple" else one + (" | None" if not is_input else "")
    return str(value.get("type", "Any"))


@dataclass(frozen=True)
class ApiInfo:
    title: str
    auth: list[str]
    endpoints: dict[str, Endpoint]

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> ApiInfo:
        endpoints = [Endpoint.from_info(e) for e in payload.get("endpoints", [])]
        return cls(
            title=str(payload.get("title", "")),
            auth=list(payload.get("auth", [])),
            endpoints={e.name: e for e in endpoints},
        )

    def endpoint(self, api_name: str | None) -> Endpoint:
        if api_name is None:
            if len(self.endpoints) == 1:
                return next(iter(self.endpoints.values()))
            raise ValidationError(
                f"this app has {len(self.endpoints)} endpoints; choose one with api_name= "
                f"({', '.join(self.endpoints) or 'none'})",
                code="validation_error",
            )
        name = api_name.lstrip("/")
        found = self.endpoints.get(name)
        if found is None:
            raise NotFoundError(
                f"no endpoint named {name!r}; this app has {', '.join(self.endpoints) or 'none'}",
                code="unknown_endpoint",
            )
        return found

    def describe(self, url: str) -> str:
        """The text `Client.view_api()` prints: the same information as the docs page."""
        lines = [f"API of {self.title!r} at {url}", f"{len(self.endpoints)} endpoint(s)", ""]
        for ep in self.endpoints.values():
            call = "submit" if ep.stream else "predict"
            lines.append(f"client.{call}{ep.signature()}")
            if ep.description:
                lines.append(f"    {ep.description}")
            if ep.stream:
                lines.append("    streams partial results: iterate the job that client.submit() returns")
            lines.append("    Parameters:")
            for p in ep.parameters or [{"name": "(none)"}]:
                lines.append(f"      {p['name']}: {_detail(p, True)}" if "type" in p else "      (none)")
            lines.append("    Returns:")
            for r in ep.returns or [{}]:
                lines.append(f"      {_detail(r, False)}" if r else "      None")
            lines.append("")
        return "\n".join(lines)


def _detail(value: dict[str, Any], is_input: bool) -> str:
    text = _shown_type(value, is_input)
    where = value.get("component", "")
    if value.get("label"):
        where += f' "{value["label"]}"'
    if is_input:
        text += f" (default {value['default']!r})" if value.get("has_default") else " (required)"
    return f"{text}  [{where}]" if where else text
