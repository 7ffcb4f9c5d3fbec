"""Throttling repeated failures per key (an e-mail address, a client address) over a sliding
window."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# Failed logins are counted per client address over this window too, so one address cannot
# spray guesses over many e-mails (each costing a password verification) faster than
# LOGIN_CLIENT_MAX_FAILURES a minute.
CLIENT_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """At most `max_failures` failures per key may lie in any window of `window`.

    A failure at instant `f` lies in the window at `now` while `now - window < f`, and leaves
    it at `f + window`. While `max_failures` or more lie in the window, further attempts are
    refused; a refused attempt is not a failure, so it never moves the end of the lockout.
    """

    max_failures: int
    window: timedelta

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.window <= timedelta(0):
            raise ValueError("a throttle needs max_failures >= 1 and a positive window")

    def window_start(self, now: datetime) -> datetime:
        """Failures at or before this instant no longer count."""
        return now - self.window

    def retry_after(self, failures: Iterable[datetime], now: datetime) -> int | None:
        """None when another attempt may go ahead; otherwise whole seconds (at least 1) until
        enough failures have left the window for one to go ahead."""
        start = self.window_start(now)
        recent = sorted(f for f in failures if f > start)
        excess = len(recent) - self.max_failures
        if excess < 0:
            return None
        # Once this one leaves, fewer than max_failures remain (with exactly max_failures in
        # the window, it is the oldest).
        frees_at = recent[excess] + self.window
        return max(1, math.ceil((frees_at - now).total_seconds()))


def client_throttle(more_than: int) -> ThrottlePolicy:
    """The per-client rule: once *more than* `more_than` failed logins from one address lie in
    the last CLIENT_WINDOW, every login from it is refused (the per-e-mail rule refuses at
    LOGIN_MAX_FAILURES already; the contract words the two differently)."""
    return ThrottlePolicy(max_failures=more_than + 1, window=CLIENT_WINDOW)
