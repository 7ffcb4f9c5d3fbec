from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """The current time, always timezone-aware UTC (a port so tests can move time)."""

    def now(self) -> datetime: ...
