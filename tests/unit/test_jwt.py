"""PyJwtTokenService: what it signs it reads back, and it refuses everything else."""

from __future__ import annotations

import json
import uuid

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.security.jwt import REQUIRED_CLAIMS, PyJwtTokenService
from domain.errors import InvalidToken
from domain.tokens import TokenType
from tests.support.clock import FakeClock
from tests.unit.jwt_kit import (
    ACCESS_TTL,
    HEADER,
    KEY,
    OTHER_KEY,
    PROPERTY,
    REFRESH_TTL,
    b64,
    claims_of,
    service,
    sign,
    unb64,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tokens(clock: FakeClock) -> PyJwtTokenService:
    return service(clock)


@PROPERTY
@given(user_id=st.uuids(), session_id=st.uuids())
def test_a_pair_decodes_to_what_was_issued(tokens, clock, user_id, session_id) -> None:
    pair = tokens.issue_pair(user_id, session_id)
    access = tokens.decode(pair.access_token, TokenType.ACCESS)
    refresh = tokens.decode(pair.refresh_token, TokenType.REFRESH)
    for claims, kind in ((access, TokenType.ACCESS), (refresh, TokenType.REFRESH)):
        assert (claims.user_id, claims.session_id, claims.type) == (user_id, session_id, kind)
        assert claims.issued_at == clock.now().replace(microsecond=0)
    assert refresh.token_id == pair.refresh_token_id != access.token_id
    assert access.expires_at - access.issued_at == ACCESS_TTL
    assert refresh.expires_at - refresh.issued_at == REFRESH_TTL
    assert pair.access_expires_in == 900
    assert pair.refresh_expires_at == clock.now() + REFRESH_TTL


def test_every_claim_of_the_contract_is_present(tokens) -> None:
    pair = tokens.issue_pair(uuid.uuid4(), uuid.uuid4())
    for token, kind in ((pair.access_token, "access"), (pair.refresh_token, "refresh")):
        claims = claims_of(token)
        assert set(REQUIRED_CLAIMS) <= set(claims)
        assert (claims["type"], claims["iss"], claims["aud"]) == (kind, "hexapi", "hexapi")
        assert jwt.get_unverified_header(token)["alg"] == "HS256"


@PROPERTY
@given(segment=st.sampled_from([0, 1, 2]), position=st.integers(min_value=0), data=st.data())
def test_changing_any_byte_of_any_part_is_refused(tokens, segment, position, data) -> None:
    pair = tokens.issue_pair(uuid.uuid4(), uuid.uuid4())
    token = data.draw(st.sampled_from([pair.access_token, pair.refresh_token]))
    kind = TokenType.ACCESS if token == pair.access_token else TokenType.REFRESH
    parts = token.split(".")
    raw = bytearray(unb64(parts[segment]))
    raw[position % len(raw)] ^= data.draw(st.integers(min_value=1, max_value=255))
    parts[segment] = b64(bytes(raw))
    with pytest.raises(InvalidToken):
        tokens.decode(".".join(parts), kind)


@PROPERTY
@given(garbage=st.text(max_size=300))
def test_garbage_is_refused(tokens, garbage) -> None:
    for kind in TokenType:
        with pytest.raises(InvalidToken):
            tokens.decode(garbage, kind)


def test_alg_none_is_refused(tokens) -> None:
    claims = claims_of(tokens.issue_pair(uuid.uuid4(), uuid.uuid4()).access_token)
    header = b64(json.dumps({"alg": "none", "typ": "at+jwt"}).encode())
    body = b64(json.dumps(claims).encode())
    for unsigned in (f"{header}.{body}.", f"{header}.{body}"):
        with pytest.raises(InvalidToken):
            tokens.decode(unsigned, TokenType.ACCESS)


@pytest.mark.parametrize(
    ("key", "algorithm"),
    [(OTHER_KEY, "HS256"), (KEY, "HS384"), (KEY, "HS512")],
)
def test_a_token_signed_another_way_is_refused(tokens, key, algorithm) -> None:
    genuine = tokens.issue_pair(uuid.uuid4(), uuid.uuid4()).access_token
    claims = claims_of(genuine)
    assert tokens.decode(sign(claims), TokenType.ACCESS)  # the forgery kit itself is sound
    with pytest.raises(InvalidToken):
        tokens.decode(sign(claims, key=key, algorithm=algorithm), TokenType.ACCESS)


def test_the_configured_algorithm_is_the_only_one_accepted(clock) -> None:
    hs512 = service(clock, "HS512")
    pair = hs512.issue_pair(uuid.uuid4(), uuid.uuid4())
    assert jwt.get_unverified_header(pair.access_token)["alg"] == "HS512"
    hs512.decode(pair.access_token, TokenType.ACCESS)
    with pytest.raises(InvalidToken):
        service(clock, "HS256").decode(pair.access_token, TokenType.ACCESS)
    for unsupported in ("none", "RS256", "ES256", "hs256"):
        with pytest.raises(ValueError, match="unsupported"):
            service(clock, unsupported)


def test_access_and_refresh_tokens_are_not_interchangeable(tokens) -> None:
    pair = tokens.issue_pair(uuid.uuid4(), uuid.uuid4())
    with pytest.raises(InvalidToken):
        tokens.decode(pair.access_token, TokenType.REFRESH)
    with pytest.raises(InvalidToken):
        tokens.decode(pair.refresh_token, TokenType.ACCESS)
    with pytest.raises(InvalidToken):
        tokens.decode(pair.access_token, TokenType.REFRESH, allow_expired=True)


@pytest.mark.parametrize("kind", list(TokenType))
def test_both_the_type_claim_and_the_typ_header_are_checked(tokens, kind) -> None:
    other = TokenType.REFRESH if kind is TokenType.ACCESS else TokenType.ACCESS
    pair = tokens.issue_pair(uuid.uuid4(), uuid.uuid4())
    claims = claims_of(pair.access_token if kind is TokenType.ACCESS else pair.refresh_token)
    assert tokens.decode(sign(claims, typ=HEADER[kind]), kind)
    # The right header on a token whose claim says otherwise, and the other way round.
    wrong_claim = {**claims, "type": other.value}
    for forged in (sign(wrong_claim, typ=HEADER[kind]), sign(claims, typ=HEADER[other])):
        with pytest.raises(InvalidToken):
            tokens.decode(forged, kind)
    with pytest.raises(InvalidToken):
        tokens.decode(jwt.encode(claims, KEY, algorithm="HS256"), kind)  # typ "JWT"


@pytest.mark.parametrize("claim", REQUIRED_CLAIMS)
def test_a_missing_claim_is_refused(tokens, claim) -> None:
    claims = claims_of(tokens.issue_pair(uuid.uuid4(), uuid.uuid4()).access_token)
    del claims[claim]
    with pytest.raises(InvalidToken):
        tokens.decode(sign(claims), TokenType.ACCESS)
    with pytest.raises(InvalidToken):
        tokens.decode(sign(claims), TokenType.ACCESS, allow_expired=True)


@pytest.mark.parametrize(
    "change",
    [
        {"iss": "someone-else"},
        {"aud": "someone-else"},
        {"aud": ["someone-else"]},
        {"sub": "not-a-uuid"},
        {"sid": "not-a-uuid"},
        {"jti": 12345},
        {"iat": "yesterday"},
        {"exp": "tomorrow"},
    ],
)
def test_a_wrong_or_malformed_claim_is_refused(tokens, change) -> None:
    claims = claims_of(tokens.issue_pair(uuid.uuid4(), uuid.uuid4()).access_token)
    with pytest.raises(InvalidToken):
        tokens.decode(sign({**claims, **change}), TokenType.ACCESS)
