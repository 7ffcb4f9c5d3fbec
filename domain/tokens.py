"""What a verified token says. Encoding and signatures are an adapter's business."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime


class TokenType(enum.StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    token_id: uuid.UUID
    type: TokenType
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenPair:
    access_token: str
    refresh_token: str
    refresh_token_id: uuid.UUID
    access_expires_in: int
    refresh_expires_at: datetime
