"""Errors of the application layer: what an adapter reports that no domain rule explains."""

from __future__ import annotations

from domain.errors import DomainError


class BackendUnavailable(DomainError):
    """A backend a use case needs (the database, the file store, the broadcaster's listener)
    did not answer in time. Adapters raise it; the entrypoints answer 503 and retry later."""

    code = "service_unavailable"
    default_detail = "A required backend is unavailable; try again shortly."


class Overloaded(BackendUnavailable):
    """Too much work is already waiting (password hashing, say): refused at once, so waiting
    requests do not make every later one wait longer."""

    default_detail = "The server is busy; try again shortly."

    def __init__(self, retry_after: int = 1, detail: str | None = None) -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))
