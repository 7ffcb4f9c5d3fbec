"""Signed tokens with PyJWT: algorithm pinned, claims required, issuer and audience checked."""

from __future__ import annotations

import functools
import hashlib
import hmac
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import jwt

from application.ports import Clock, TokenService
from domain.errors import InvalidToken
from domain.tokens import TokenClaims, TokenPair, TokenType

VERIFIED_TOKENS_CACHED = 4096
SUPPORTED_ALGORITHMS = ("HS256", "HS384", "HS512")
REQUIRED_CLAIMS = ["exp", "iat", "sub", "jti", "sid", "type", "iss", "aud"]
# The JOSE `typ` header tells the two kinds apart even before the payload is read (RFC 9068).
HEADER_TYPES = {TokenType.ACCESS: "at+jwt", TokenType.REFRESH: "refresh+jwt"}


def key_id(key: str) -> str:
    """A short name for a key that does not give the key away (an HMAC of a fixed text)."""
    return hmac.new(key.encode(), b"hexapi key id", hashlib.sha256).hexdigest()[:16]


class PyJwtTokenService(TokenService):
    """HMAC-signed JWTs. Anything but the configured algorithm (`none` included) is refused.

    Key rotation: every token names its key in the `kid` header. New tokens are signed with
    `secret_key` only; tokens signed with one of `previous_keys` (keys that were SECRET_KEY
    before a rotation) are still accepted until they expire, so a rotation logs nobody out.
    A token without `kid` (made before key ids existed) is tried with every key.
    """

    def __init__(
        self,
        *,
        secret_key: str,
        previous_keys: Sequence[str] = (),
        algorithm: str,
        access_ttl: timedelta,
        refresh_ttl: timedelta,
        clock: Clock,
        issuer: str = "hexapi",
        audience: str = "hexapi",
    ) -> None:
        if algorithm not in SUPPORTED_ALGORITHMS:
            raise ValueError(f"unsupported JWT algorithm {algorithm!r}")
        self._key, self._kid, self._algorithm = secret_key, key_id(secret_key), algorithm
        self._keys = {key_id(key): key for key in (*previous_keys, secret_key)}
        self._access_ttl, self._refresh_ttl = access_ttl, refresh_ttl
        self._clock, self._issuer, self._audience = clock, issuer, audience
        # A client sends the same access token with every request for its whole lifetime;
        # verifying it once (PyJWT costs ~100 µs a token) is enough. Failures are not cached.
        self._verified = functools.lru_cache(maxsize=VERIFIED_TOKENS_CACHED)(self._verify)

    def issue_pair(self, user_id: uuid.UUID, session_id: uuid.UUID) -> TokenPair:
        now = self._clock.now()
        refresh_id = uuid.uuid4()
        access = self._encode(TokenType.ACCESS, user_id, session_id, uuid.uuid4(), now)
        refresh = self._encode(TokenType.REFRESH, user_id, session_id, refresh_id, now)
        return TokenPair(
            access_token=access,
            refresh_token=refresh,
            refresh_token_id=refresh_id,
            access_expires_in=int(self._access_ttl.total_seconds()),
            refresh_expires_at=now + self._refresh_ttl,
        )

    def decode(
        self, token: str, expected: TokenType, *, allow_expired: bool = False
    ) -> TokenClaims:
        claims = self._verified(token, expected)
        if not allow_expired and claims.expires_at <= self._clock.now():
            raise InvalidToken()
        return claims

    def _verify(self, token: str, expected: TokenType) -> TokenClaims:
        """Signature, algorithm, issuer, audience, required claims and type — everything that
        cannot change for a given token string, so the result is cached (see __init__).
        Expiry depends on the time and is checked on every call; revocation is the
        principal lookup's business."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if kid is None:  # from before key ids: whichever key made it
                return self._first_that_verifies(token, expected)
            if not isinstance(kid, str) or kid not in self._keys:
                raise InvalidToken()
            return self._verify_with(token, expected, self._keys[kid])
        except (jwt.PyJWTError, ValueError, TypeError, AttributeError) as exc:
            raise InvalidToken() from exc

    def _first_that_verifies(self, token: str, expected: TokenType) -> TokenClaims:
        for key in (self._key, *(k for k in self._keys.values() if k != self._key)):
            try:
                return self._verify_with(token, expected, key)
            except InvalidToken:
                continue
        raise InvalidToken()

    def _verify_with(self, token: str, expected: TokenType, key: str) -> TokenClaims:
        try:
            # decode_complete parses the token once and hands back the header too.
            decoded = jwt.decode_complete(
                token,
                key,
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                # Time is judged by our clock in decode(), not by the wall clock here: a host
                # whose clock runs a little behind the issuer's must not refuse fresh tokens.
                options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False},
            )
            header, payload = decoded["header"], decoded["payload"]
            if header.get("typ") != HEADER_TYPES[expected] or payload["type"] != expected.value:
                raise InvalidToken()
            return TokenClaims(
                user_id=uuid.UUID(payload["sub"]),
                session_id=uuid.UUID(payload["sid"]),
                token_id=uuid.UUID(payload["jti"]),
                type=expected,
                issued_at=datetime.fromtimestamp(payload["iat"], UTC),
                expires_at=datetime.fromtimestamp(payload["exp"], UTC),
            )
        except (
            jwt.PyJWTError,
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            OverflowError,
        ) as exc:
            raise InvalidToken() from exc

    def _encode(
        self,
        kind: TokenType,
        user_id: uuid.UUID,
        session_id: uuid.UUID,
        token_id: uuid.UUID,
        now: datetime,
    ) -> str:
        ttl = self._access_ttl if kind is TokenType.ACCESS else self._refresh_ttl
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "jti": str(token_id),
            "type": kind.value,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            "iss": self._issuer,
            "aud": self._audience,
        }
        return jwt.encode(
            claims,
            self._key,
            algorithm=self._algorithm,
            headers={"typ": HEADER_TYPES[kind], "kid": self._kid},
        )
