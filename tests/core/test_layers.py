"""The layers of the package, read from its imports: each imports only those below it.

    base (errors, filenames, version)  <-  http, store  <-  description  <-  auth  <-  server
    client: base only (it talks to a server over HTTP, never imports one)
    testing: base and client (it drives a UI over HTTP, as the page does, never importing the server)
    share: base and http only (a relay and a tunnel around any ASGI app); the server's launch and the
    command line (cli) reach it, imported when called

The description (blocks, components, events, ...) reaches the server only through `Blocks.build_app` and
`Blocks.launch`, imported when called.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mountui"

BASE = {"errors", "filenames", "_version"}
DESCRIPTION = {
    "blocks", "events", "components", "layouts", "interface", "chat_interface", "injection", "calling",
    "markdown", "oauth", "settings", "typed_api", "rates",
}  # fmt: skip
ALLOWED = {
    **{name: BASE for name in BASE},
    "http": BASE,
    "store": BASE,
    **{name: BASE | DESCRIPTION | {"http", "store"} for name in DESCRIPTION},
    "auth": BASE | DESCRIPTION | {"http", "store"},
    "server": BASE | DESCRIPTION | {"http", "store", "auth", "share"},
    "client": BASE,
    "testing": BASE | {"client"},
    "share": BASE | {"http"},
    "cli": BASE | {"share"},
}
# Where the description may call into the server: thin, lazy conveniences for the user.
LAZY_DOORS = {("blocks", "build_app"), ("blocks", "launch")}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "mountui"


def imports(path: Path) -> list[tuple[str, str | None]]:
    """(imported mountui module, enclosing function or None) for every import in the file."""
    found: list[tuple[str, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("mountui"):
                found.append((child.module, function))
            elif isinstance(child, ast.Import):
                found.extend((a.name, function) for a in child.names if a.name.startswith("mountui"))
            visit(child, inner)

    visit(ast.parse(path.read_text()), None)
    return found


def test_each_layer_imports_only_those_below_it():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        own = layer(module)
        if own == "mountui" or own == "__init__":
            continue  # the package face re-exports everything, lazily
        for target, function in imports(path):
            other = layer(target)  # "mountui" itself: the face, which would hide a cycle
            if other == own:
                continue
            if other in ALLOWED.get(own, set()) or (own, function) in LAZY_DOORS:
                continue
            wrong.append(f"{module} imports {target}" + (f" (in {function})" if function else ""))
    assert wrong == []


def test_no_module_is_too_long_to_read_in_one_sitting():
    long = {
        str(path.relative_to(PACKAGE.parent)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 400
    }
    assert long == {}
