from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from application.ports import Clock, RateLimiter
from domain.errors import RateLimited
from domain.throttling import ThrottlePolicy

SWEEP_INTERVAL = timedelta(minutes=1)


class InMemoryRateLimiter(RateLimiter):
    """Attempts per key in a dict, for one process.

    No method awaits anything, so each runs to completion on the event loop without
    interleaving: the check and the count of `admit` are atomic, as the database's are.
    """

    def __init__(self, policy: ThrottlePolicy, clock: Clock) -> None:
        self._policy, self._clock = policy, clock
        self._attempts: dict[str, dict[uuid.UUID, datetime]] = {}
        self._next_sweep: datetime | None = None

    async def admit(self, key: str) -> uuid.UUID:
        now = self._clock.now()
        self._sweep(now)
        attempts = self._attempts.setdefault(key, {})
        retry_after = self._policy.retry_after(attempts.values(), now)
        if retry_after is not None:
            raise RateLimited(retry_after)
        attempt = uuid.uuid4()
        attempts[attempt] = now
        return attempt

    async def forgive(self, key: str, attempt: uuid.UUID) -> None:
        self._attempts.get(key, {}).pop(attempt, None)

    async def reset(self, key: str) -> None:
        self._attempts.pop(key, None)

    def _sweep(self, now: datetime) -> None:
        """Drop expired failures of every key now and then, so keys tried once (e-mails
        sprayed by an attacker) do not pile up."""
        if self._next_sweep is not None and now < self._next_sweep:
            return
        start = self._policy.window_start(now)
        for key, attempts in list(self._attempts.items()):
            for attempt, at in list(attempts.items()):
                if at <= start:
                    del attempts[attempt]
            if not attempts:
                del self._attempts[key]
        self._next_sweep = now + min(self._policy.window, SWEEP_INTERVAL)
