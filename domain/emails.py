"""E-mail addresses: one normal form, so uniqueness is case-insensitive."""

from __future__ import annotations

import re

from domain.errors import PolicyViolation

MAX_EMAIL_LENGTH = 254
# Deliberately permissive: a syntactic sanity check, not RFC 5322. Deliverability is proven
# by the mail that is sent, not by a regular expression.
_EMAIL = re.compile(
    r"^[^@\s\x00-\x1f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def normalize_email(raw: str) -> str:
    """Return the canonical form of an address (trimmed, lower case) or raise PolicyViolation."""
    email = raw.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise PolicyViolation("value is not a valid e-mail address", field="email")
    return email
