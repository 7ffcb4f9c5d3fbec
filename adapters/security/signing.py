"""Tamper-evident tokens with HMAC-SHA256, keyed from the application's secret key."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence

from application.ports import Signer


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class HmacSigner(Signer):
    """`<payload>.<mac>`, both base64url. Each `purpose` gets its own key derived from the
    secret, so a token made for one use (cursors) is worthless for another.

    Key rotation: new tokens are signed with `secret_key` only; tokens made with one of
    `previous_keys` (keys that were SECRET_KEY before a rotation) are still accepted, so
    cursors and links handed out before a rotation keep working until they expire.
    """

    def __init__(self, secret_key: str, purpose: str, previous_keys: Sequence[str] = ()) -> None:
        self._key = _derive(secret_key, purpose)
        self._accepted = [self._key, *(_derive(key, purpose) for key in previous_keys)]

    def sign(self, payload: bytes) -> str:
        return f"{_b64encode(payload)}.{_b64encode(_mac(self._key, payload))}"

    def unsign(self, token: str) -> bytes | None:
        encoded_payload, dot, encoded_mac = token.partition(".")
        if not dot or not token.isascii():
            return None
        try:
            payload, mac = _b64decode(encoded_payload), _b64decode(encoded_mac)
        except (binascii.Error, ValueError):
            return None
        # Re-encoding must give the same text: no second spelling of a valid token.
        if _b64encode(payload) != encoded_payload or _b64encode(mac) != encoded_mac:
            return None
        # Every key is compared, whichever matches: the time does not tell which one did.
        matches = [hmac.compare_digest(mac, _mac(key, payload)) for key in self._accepted]
        return payload if any(matches) else None


def _derive(secret_key: str, purpose: str) -> bytes:
    return hmac.new(
        secret_key.encode(), b"hexapi signer: " + purpose.encode(), hashlib.sha256
    ).digest()


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()
