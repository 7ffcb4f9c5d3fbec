"""PyJwtTokenService: what it signs it reads back, and it refuses everything else."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.security.jwt import REQUIRED_CLAIMS, PyJwtTokenService
from domain.errors import InvalidToken
from domain.tokens import TokenType
from tests.support.clock import FakeClock

KEY = "unit-test-signing-key-" + "0123456789abcdef" * 3  # 70 bytes: enough for HS512
OTHER_KEY = "another-key-" + "fedcba9876543210" * 4
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=7)
HEADER = {TokenType.ACCESS: "at+jwt", TokenType.REFRESH: "refresh+jwt"}
# Function-scoped fixtures are fine under @given here: they are stateless for these tests.
PROPERTY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def service(clock: FakeClock, algorithm: str = "HS256", key: str = KEY) -> PyJwtTokenService:
    return PyJwtTokenService(
        secret_key=key,
        algorithm=algorithm,
        access_ttl=ACCESS_TTL,
        refresh_ttl=REFRESH_TTL,
        clock=clock,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tokens(clock: FakeClock) -> PyJwtTokenService:
    return service(clock)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def claims_of(token: str) -> dict[str, Any]:
    return json.loads(unb64(token.split(".")[1]))


def sign(
    claims: dict[str, Any], *, key: str = KEY, algorithm: str = "HS256", typ: str = "at+jwt"
) -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers={"typ": typ})


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


def test_tokens_expire_after_their_lifetime(tokens, clock) -> None:
    pair = tokens.issue_pair(uuid.uuid4(), uuid.uuid4())
    clock.advance(ACCESS_TTL - timedelta(seconds=1))
    tokens.decode(pair.access_token, TokenType.ACCESS)
    clock.advance(seconds=1)
    with pytest.raises(InvalidToken):
        tokens.decode(pair.access_token, TokenType.ACCESS)
    tokens.decode(pair.refresh_token, TokenType.REFRESH)
    clock.advance(REFRESH_TTL)
    with pytest.raises(InvalidToken):
        tokens.decode(pair.refresh_token, TokenType.REFRESH)


def test_a_token_that_expired_by_the_wall_clock_is_refused(clock) -> None:
    issued_long_ago = service(FakeClock(clock.now() - REFRESH_TTL - timedelta(minutes=1)))
    pair = issued_long_ago.issue_pair(uuid.uuid4(), uuid.uuid4())
    for token, kind in ((pair.access_token, TokenType.ACCESS), (pair.refresh_token, "refresh")):
        with pytest.raises(InvalidToken):
            service(clock).decode(token, TokenType(kind))


def test_allow_expired_forgives_expiry_and_nothing_else(tokens, clock) -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    pair = tokens.issue_pair(user_id, session_id)
    clock.advance(REFRESH_TTL + timedelta(days=1))
    claims = tokens.decode(pair.refresh_token, TokenType.REFRESH, allow_expired=True)
    assert (claims.user_id, claims.session_id) == (user_id, session_id)
    expired = claims_of(pair.refresh_token)
    forgeries = [
        sign(expired, key=OTHER_KEY, typ="refresh+jwt"),
        sign({**expired, "aud": "someone-else"}, typ="refresh+jwt"),
        sign({**expired, "iss": "someone-else"}, typ="refresh+jwt"),
        sign(expired, typ="at+jwt"),
        sign(expired, algorithm="HS512", typ="refresh+jwt"),
    ]
    for forged in forgeries:
        with pytest.raises(InvalidToken):
            tokens.decode(forged, TokenType.REFRESH, allow_expired=True)


def test_a_token_from_a_host_whose_clock_runs_ahead_is_accepted(clock) -> None:
    ahead = service(FakeClock(clock.now() + timedelta(seconds=30)))
    pair = ahead.issue_pair(uuid.uuid4(), uuid.uuid4())
    service(clock).decode(pair.access_token, TokenType.ACCESS)
    service(clock).decode(pair.refresh_token, TokenType.REFRESH)


@pytest.mark.parametrize("iat", [1e300, float("inf"), -1e300, None, [1]])
def test_an_absurd_issue_time_is_refused_not_crashed_on(tokens, iat) -> None:
    claims = claims_of(tokens.issue_pair(uuid.uuid4(), uuid.uuid4()).access_token)
    with pytest.raises(InvalidToken):
        tokens.decode(sign({**claims, "iat": iat}), TokenType.ACCESS)
