"""The one rule of "this session still grants access", clause by clause."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.sessions import LoginSession, grants_access
from tests.contract.backends import new_session, new_user

NOW = datetime(2026, 1, 1, tzinfo=UTC)
USER = new_user(NOW - timedelta(days=1))
SESSION = new_session(USER, NOW - timedelta(hours=1))


def test_a_live_session_of_an_active_user_grants_access() -> None:
    assert grants_access(SESSION, USER, NOW)


def test_each_condition_alone_withdraws_it() -> None:
    assert not grants_access(replace(SESSION, user_id=uuid.uuid4()), USER, NOW)
    assert not grants_access(replace(SESSION, revoked_at=NOW), USER, NOW)
    assert not grants_access(SESSION, replace(USER, is_active=False), NOW)
    later_password = replace(USER, password_changed_at=SESSION.created_at + timedelta(seconds=1))
    assert not grants_access(SESSION, later_password, NOW)


@given(st.timedeltas(min_value=timedelta(days=-30), max_value=timedelta(days=30)))
def test_a_session_grants_access_exactly_until_it_expires(offset: timedelta) -> None:
    session: LoginSession = replace(SESSION, expires_at=NOW + offset)
    assert grants_access(session, USER, NOW) is (offset > timedelta(0))


def test_a_session_opened_at_the_instant_of_the_password_change_still_counts() -> None:
    same_instant = replace(USER, password_changed_at=SESSION.created_at)
    assert grants_access(SESSION, same_instant, NOW)
