"""PyJwtTokenService and time: lifetimes judged by the service's clock, expiry forgiven only
where asked, and nonsense times refused rather than crashed on."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from adapters.security.jwt import PyJwtTokenService
from domain.errors import InvalidToken
from domain.tokens import TokenType
from tests.support.clock import FakeClock
from tests.unit.jwt_kit import ACCESS_TTL, OTHER_KEY, REFRESH_TTL, claims_of, service, sign


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tokens(clock: FakeClock) -> PyJwtTokenService:
    return service(clock)


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
