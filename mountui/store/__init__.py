"""Storage shared across workers, behind one interface (`Store`).

`RedisStore` is imported on first use (``from mountui.store import RedisStore``), so that importing mountui
never imports redis-py, an optional dependency (``pip install 'mountui[redis]'``).
"""

from typing import Any

from mountui.store.base import Store
from mountui.store.memory import MemoryStore

__all__ = ["MemoryStore", "RedisStore", "Store"]


def __getattr__(name: str) -> Any:
    if name == "RedisStore":
        from mountui.store.redis import RedisStore

        return RedisStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
