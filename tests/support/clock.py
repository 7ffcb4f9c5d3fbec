"""A clock tests can move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.ports import Clock


class FakeClock(Clock):
    """Stands still until told to move. Starts at the real time by default, so tokens it
    stamps look fresh to anything that still reads the wall clock."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when
