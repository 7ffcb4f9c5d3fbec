"""Tamper-evident tokens with HMAC-SHA256, keyed from the application's secret key."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from application.ports import Signer


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class HmacSigner(Signer):
    """`<payload>.<mac>`, both base64url. Each `purpose` gets its own key derived from the
    secret, so a token made for one use (cursors) is worthless for another."""

    def __init__(self, secret_key: str, purpose: str) -> None:
        self._key = hmac.new(
            secret_key.encode(), b"hexapi signer: " + purpose.encode(), hashlib.sha256
        ).digest()

    def sign(self, payload: bytes) -> str:
        return f"{_b64encode(payload)}.{_b64encode(self._mac(payload))}"

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
        return payload if hmac.compare_digest(mac, self._mac(payload)) else None

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()
