from __future__ import annotations

from typing import Protocol


class Signer(Protocol):
    """Opaque, tamper-evident tokens (pagination cursors): bytes in, a URL-safe string out."""

    def sign(self, payload: bytes) -> str: ...

    def unsign(self, token: str) -> bytes | None:
        """The payload of a token this signer made; None when it is malformed or altered."""
        ...
