"""Opens the database budget of each HTTP request (see adapters/request_budget.py)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.request_budget import database_budget


class DatabaseBudgetMiddleware:
    """Every HTTP request gets `seconds` of database work in all, however many waits it
    makes, so one that needs an unavailable database is a 503 within the contract's 5 s.
    (A WebSocket lives for hours: its messages are not bounded together.)"""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app, self._seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with database_budget(self._seconds):
            await self.app(scope, receive, send)
