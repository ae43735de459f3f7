"""Storage shared across workers, behind one interface (`Store`)."""

from mountui.store.base import Store
from mountui.store.memory import MemoryStore

__all__ = ["MemoryStore", "Store"]
