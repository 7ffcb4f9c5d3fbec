from __future__ import annotations

import uuid
from typing import Protocol

from domain.tokens import TokenClaims, TokenPair, TokenType


class TokenService(Protocol):
    """Issues and verifies signed access and refresh tokens."""

    def issue_pair(self, user_id: uuid.UUID, session_id: uuid.UUID) -> TokenPair: ...

    def decode(
        self, token: str, expected: TokenType, *, allow_expired: bool = False
    ) -> TokenClaims:
        """The verified claims of `token`; raises InvalidToken for a malformed, forged,
        expired (unless `allow_expired`) or wrongly typed token."""
        ...
