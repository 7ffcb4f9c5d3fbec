from __future__ import annotations

from application.ports import DatabaseProbe


class InMemoryDatabaseProbe(DatabaseProbe):
    """The in-memory store is always there; tests may switch it off."""

    def __init__(self, available: bool = True) -> None:
        self.available = available

    async def is_available(self) -> bool:
        return self.available
