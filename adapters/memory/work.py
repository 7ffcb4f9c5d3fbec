"""The working copy of the store's tables that one InMemoryUnitOfWork changes."""

from __future__ import annotations

import uuid

from adapters.memory.tables import MemoryTable, Rows
from application.ports import Clock


class Work:
    """Copies of the committed tables, taken as repositories ask for them, swapped in on
    commit; and the account-deletion rules of every table asked for."""

    def __init__(self, committed: dict[str, Rows], clock: Clock) -> None:
        self._committed = committed
        self.clock = clock
        self.tables: dict[str, Rows] = {}
        self._declared: dict[str, MemoryTable] = {}

    def rows(self, table: MemoryTable) -> Rows:
        declared = self._declared.setdefault(table.name, table)
        if declared != table:
            raise ValueError(f"table {table.name} is declared twice, differently")
        if table.name not in self.tables:
            self.tables[table.name] = dict(self._committed.get(table.name, {}))
        return self.tables[table.name]

    def forget_account(self, user_id: uuid.UUID) -> None:
        """What deleting the account does to every other table (ON DELETE …)."""
        for table in self._declared.values():
            table.forget_account(self.tables[table.name], user_id)
