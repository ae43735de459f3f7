"""The app description: Blocks, the tree of components and layouts, and its event listeners.

Nothing here knows about HTTP; the server reads a Blocks through its tree (`blocks`, `layout()`,
`extra_config()`) and its dependencies.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mountui.errors import ConfigError

if TYPE_CHECKING:
    from mountui.events import ConcurrencyLimit, Dependency
    from mountui.typed_api import McpPrompt, McpResource

_context_stack: contextvars.ContextVar[tuple[BlockContext, ...]] = contextvars.ContextVar(
    "mountui_context_stack", default=()
)


def current_context() -> BlockContext | None:
    stack = _context_stack.get()
    return stack[-1] if stack else None


def current_root() -> Blocks | None:
    stack = _context_stack.get()
    return stack[0] if stack and isinstance(stack[0], Blocks) else None


class Block:
    """Anything that has a place in the page: a component or a layout."""

    def __init__(
        self,
        *,
        visible: bool = True,
        elem_id: str | None = None,
        elem_classes: Sequence[str] | str | None = None,
        render: bool = True,
    ) -> None:
        self._id: int | None = None
        self.visible = visible
        self.elem_id = elem_id
        self.elem_classes = [elem_classes] if isinstance(elem_classes, str) else list(elem_classes or [])
        self.parent: BlockContext | None = None
        if render:
            self.render()

    @property
    def id(self) -> int:
        if self._id is None:
            raise ConfigError(
                f"{type(self).__name__} is not part of a Blocks yet; create it inside `with Blocks():`"
            )
        return self._id

    @property
    def block_type(self) -> str:
        return type(self).__name__

    def render(self) -> Block:
        """Place this block in the layout being built (the innermost open `with` block)."""
        context = current_context()
        if context is not None and self.parent is None:
            context.add_child(self)
        return self

    def props(self) -> dict[str, Any]:
        return {"visible": self.visible, "elem_id": self.elem_id, "elem_classes": self.elem_classes}


class BlockContext(Block):
    """A block that holds other blocks; used as `with Row(): ...`."""

    def __init__(self, **kwargs: Any) -> None:
        self.children: list[Block] = []
        self._token: contextvars.Token[tuple[BlockContext, ...]] | None = None
        super().__init__(**kwargs)

    def add_child(self, block: Block) -> None:
        block.parent = self
        self.children.append(block)
        root = self.root()
        if root is not None:
            root.register(block)

    def root(self) -> Blocks | None:
        node: Block | None = self
        while node is not None and not isinstance(node, Blocks):
            node = node.parent
        return node if isinstance(node, Blocks) else current_root()

    def __enter__(self) -> Any:
        self._token = _context_stack.set((*_context_stack.get(), self))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _context_stack.reset(self._token)
            self._token = None

    def layout(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "children": [c.layout() if isinstance(c, BlockContext) else {"id": c.id} for c in self.children],
        }


class Blocks(BlockContext):
    """A whole app: `with mountui.Blocks(title="My app") as demo: ...`."""

    def __init__(self, title: str = "mountui", *, theme: str = "system", css: str | None = None) -> None:
        self.title = title
        self.theme = theme
        self.css = css
        self.blocks: dict[int, Block] = {}
        self.dependencies: list[Dependency] = []
        self.mcp_resources: list[McpResource] = []
        self.mcp_prompts: list[McpPrompt] = []
        self._next_id = 1
        super().__init__(render=False)
        self._id = 0

    def register(self, block: Block) -> None:
        if block._id is not None and self.blocks.get(block._id) is block:
            return
        block._id = self._next_id
        self._next_id += 1
        self.blocks[block._id] = block
        if isinstance(block, BlockContext):
            for child in block.children:
                self.register(child)

    def __enter__(self) -> Blocks:
        if _context_stack.get():
            raise ConfigError("Blocks cannot be nested; use Row, Column, Group or Tabs inside one Blocks")
        return super().__enter__()

    def load(
        self,
        fn: Callable[..., Any],
        inputs: Any = None,
        outputs: Any = None,
        *,
        api_name: str | bool | None = None,
        **kwargs: Any,
    ) -> Dependency:
        """Run `fn` when a page opens; its outputs fill components (for example a greeting)."""
        from mountui.events import add_dependency

        return add_dependency(self, [(None, "load")], fn, inputs, outputs, api_name=api_name, **kwargs)

    def api(
        self,
        fn: Callable[..., Any] | None = None,
        *,
        api_name: str | None = None,
        api_description: str | None = None,
        concurrency_limit: ConcurrencyLimit = "default",
    ) -> Any:
        """Expose `fn` as an API (and MCP) endpoint with no UI, typed from its annotations.

        `demo.api(fn, api_name="add")`, or as a decorator: `@demo.api` / `@demo.api(api_name="add")`.
        Returns `fn` unchanged.
        """
        from mountui.typed_api import add_api_function

        def register(target: Callable[..., Any]) -> Callable[..., Any]:
            add_api_function(
                self,
                target,
                api_name=api_name,
                api_description=api_description,
                concurrency_limit=concurrency_limit,
            )
            return target

        return register if fn is None else register(fn)

    def mcp_resource(
        self,
        uri: str,
        *,
        name: str | None = None,
        description: str | None = None,
        mime_type: str = "text/plain",
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: the function's return value (str, bytes, or JSON-able) is the MCP resource at `uri`;
        `{field}` parts of the URI (`data://notes/{name}`) are passed as arguments."""
        from mountui.typed_api import mcp_resource

        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.mcp_resources.append(mcp_resource(uri, fn, name, description, mime_type))
            return fn

        return register

    def mcp_prompt(
        self, *, name: str | None = None, description: str | None = None
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: an MCP prompt; the function takes string arguments and returns the prompt text."""
        from mountui.typed_api import mcp_prompt

        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.mcp_prompts.append(mcp_prompt(fn, name, description))
            return fn

        return register

    # Entry points into the server: imported lazily so `import mountui` stays light.
    def build_app(self, **settings: Any) -> Any:
        """Return the Starlette application serving this UI (mount it yourself, or use mount_ui_app)."""
        from mountui.server.app import build_app

        return build_app(self, **settings)

    def launch(self, host: str = "127.0.0.1", port: int = 7860, **settings: Any) -> None:
        """Serve this UI alone with uvicorn (blocks until stopped); `share="https://relay"` adds a share link."""
        from mountui.server.launch import launch

        launch(self, host=host, port=port, **settings)

    def extra_config(self) -> dict[str, Any]:
        """Keys added to the page configuration by subclasses (Interface adds `examples`)."""
        return {}
