"""Idempotent requests: a client that lost a response sends the same request again, under the
same key, and gets the first response instead of a second effect.

A key belongs to one user. Its record holds a fingerprint of the request it was first used
with and, once that request is done, the response (status below 500, and body). While the
first request runs, its record is *claimed*: a lease, so that a claimer that died does not
block the key for ever. The database holds the records and decides every race (one row per
user and key); this module holds the rules that read a record.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import IdempotencyKeyReused, PolicyViolation, RequestInProgress

MAX_KEY_LENGTH = 255
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"  # visible ASCII, no space
_KEY = re.compile(KEY_PATTERN)
RETENTION = timedelta(hours=24)
# Longer than any request takes (every database wait is bounded by a few seconds), so a live
# claim is never taken over; a claimer that died frees its key after this long.
CLAIM_LEASE = timedelta(seconds=30)


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise PolicyViolation(
            "Idempotency-Key is 1 to 255 visible ASCII characters", field="Idempotency-Key"
        )
    return key


def fingerprint(*parts: str) -> str:
    """A digest of a request's meaning (not its bytes): equal requests, equal fingerprints."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredResponse:
    status: int
    body: str  # JSON text, exactly as first sent


@dataclass(frozen=True, slots=True, kw_only=True)
class IdempotencyRecord:
    user_id: uuid.UUID
    key: str
    fingerprint: str
    created_at: datetime
    # The claim of the request at work: its token and until when it holds. None once done.
    claim_token: uuid.UUID | None
    claimed_until: datetime | None
    response: StoredResponse | None

    def is_expired(self, now: datetime) -> bool:
        return self.created_at + RETENTION <= now

    def is_abandoned(self, now: datetime) -> bool:
        return self.response is None and (self.claimed_until is None or self.claimed_until <= now)


def replay_or_refuse(record: IdempotencyRecord, request_fingerprint: str, now: datetime) -> bool:
    """What a request finds when its key already has a live record.

    Returns True when the record may be taken over (expired, or its claimer died), False
    when its stored response is to be replayed; raises for another body or a twin at work.
    """
    if record.is_expired(now):
        return True
    if record.fingerprint != request_fingerprint:
        raise IdempotencyKeyReused()
    if record.response is not None:
        return False
    if record.is_abandoned(now):
        return True
    raise RequestInProgress()
