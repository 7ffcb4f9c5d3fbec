from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class InMemoryStore:
    """The committed state: one dict of entities per table, and a lock that serialises
    units of work the way a single-writer database would."""

    tables: dict[str, dict[uuid.UUID, Any]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def table(self, name: str) -> dict[uuid.UUID, Any]:
        return self.tables.setdefault(name, {})
