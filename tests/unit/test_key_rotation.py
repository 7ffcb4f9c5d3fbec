"""Key rotation: new tokens, cursors and links are signed with SECRET_KEY only, while those
made with a previous key stay valid until they expire."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

import jwt
import pytest

from adapters.security.jwt import PyJwtTokenService, key_id
from adapters.security.signing import HmacSigner
from domain.errors import InvalidToken
from domain.tokens import TokenType
from tests.support.clock import FakeClock
from tests.unit.jwt_kit import ACCESS_TTL, KEY, OTHER_KEY, REFRESH_TTL, b64, claims_of, sign

NEW_KEY = "the-key-after-rotation-" + "0123456789abcdef" * 3


def service(clock: FakeClock, key: str, previous: tuple[str, ...] = ()) -> PyJwtTokenService:
    return PyJwtTokenService(
        secret_key=key,
        previous_keys=previous,
        algorithm="HS256",
        access_ttl=ACCESS_TTL,
        refresh_ttl=REFRESH_TTL,
        clock=clock,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_tokens_name_their_key_and_the_name_does_not_give_it_away(clock) -> None:
    pair = service(clock, KEY).issue_pair(uuid.uuid4(), uuid.uuid4())
    for token in (pair.access_token, pair.refresh_token):
        kid = jwt.get_unverified_header(token)["kid"]
        assert kid == key_id(KEY) != key_id(NEW_KEY)
        assert KEY not in kid and len(kid) == 16


def test_tokens_of_the_previous_key_keep_working_and_new_ones_use_the_new_key(clock) -> None:
    before = service(clock, KEY).issue_pair(uuid.uuid4(), uuid.uuid4())
    rotated = service(clock, NEW_KEY, previous=(KEY,))
    assert rotated.decode(before.access_token, TokenType.ACCESS).user_id
    assert rotated.decode(before.refresh_token, TokenType.REFRESH).session_id

    after = rotated.issue_pair(uuid.uuid4(), uuid.uuid4())
    assert jwt.get_unverified_header(after.access_token)["kid"] == key_id(NEW_KEY)
    # Signed with the new key only: the old key does not verify it.
    with pytest.raises(InvalidToken):
        service(clock, KEY).decode(after.access_token, TokenType.ACCESS)
    assert service(clock, NEW_KEY).decode(after.access_token, TokenType.ACCESS)


def test_a_previous_key_no_longer_listed_is_refused(clock) -> None:
    before = service(clock, KEY).issue_pair(uuid.uuid4(), uuid.uuid4())
    with pytest.raises(InvalidToken):
        service(clock, NEW_KEY).decode(before.access_token, TokenType.ACCESS)


def test_previous_keys_still_let_tokens_expire(clock) -> None:
    before = service(clock, KEY).issue_pair(uuid.uuid4(), uuid.uuid4())
    rotated = service(clock, NEW_KEY, previous=(KEY,))
    clock.advance(ACCESS_TTL)
    with pytest.raises(InvalidToken):
        rotated.decode(before.access_token, TokenType.ACCESS)


def test_a_token_from_before_key_ids_is_tried_with_every_key(clock) -> None:
    tokens = service(clock, NEW_KEY, previous=(KEY,))
    genuine = tokens.issue_pair(uuid.uuid4(), uuid.uuid4()).access_token
    claims = claims_of(genuine)
    for key in (KEY, NEW_KEY):
        assert tokens.decode(sign(claims, key=key), TokenType.ACCESS).user_id
    with pytest.raises(InvalidToken):
        tokens.decode(sign(claims, key=OTHER_KEY), TokenType.ACCESS)


def signed_with_header(header: dict[str, Any], claims: dict[str, Any], key: str) -> str:
    """A token with any header at all (PyJWT refuses to write a non-text `kid`)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    mac = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


@pytest.mark.parametrize("kid", ["unknown", "", 7, {}, ["x"]])
def test_a_forged_or_unknown_key_id_is_refused(clock, kid) -> None:
    tokens = service(clock, NEW_KEY, previous=(KEY,))
    claims = claims_of(tokens.issue_pair(uuid.uuid4(), uuid.uuid4()).access_token)
    header = {"alg": "HS256", "typ": "at+jwt", "kid": kid}
    with pytest.raises(InvalidToken):
        tokens.decode(signed_with_header(header, claims, NEW_KEY), TokenType.ACCESS)
    header["kid"] = key_id(NEW_KEY)  # the same token with its true key id passes
    assert tokens.decode(signed_with_header(header, claims, NEW_KEY), TokenType.ACCESS)


def test_a_key_id_does_not_let_another_key_sign(clock) -> None:
    tokens = service(clock, NEW_KEY, previous=(KEY,))
    claims = claims_of(tokens.issue_pair(uuid.uuid4(), uuid.uuid4()).access_token)
    forged = jwt.encode(claims, OTHER_KEY, headers={"typ": "at+jwt", "kid": key_id(KEY)})
    with pytest.raises(InvalidToken):
        tokens.decode(forged, TokenType.ACCESS)


def test_cursors_and_links_of_the_previous_key_keep_working() -> None:
    before = HmacSigner(KEY, "pagination cursor").sign(b"position")
    rotated = HmacSigner(NEW_KEY, "pagination cursor", previous_keys=(KEY,))
    assert rotated.unsign(before) == b"position"
    after = rotated.sign(b"position")
    assert after != before
    assert HmacSigner(KEY, "pagination cursor").unsign(after) is None  # new key only
    assert HmacSigner(NEW_KEY, "pagination cursor").unsign(before) is None
    assert HmacSigner(NEW_KEY, "other", previous_keys=(KEY,)).unsign(before) is None
