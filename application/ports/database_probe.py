from __future__ import annotations

from typing import Protocol


class DatabaseProbe(Protocol):
    """Whether the database answers a trivial query right now.

    Never raises and never takes much longer than its own time limit, whatever the database
    does (hung, refusing connections, gone): a readiness check must answer promptly.
    """

    async def is_available(self) -> bool: ...
