"""The rule table of accounts: who may see and change what, for every kind of caller.

The expected outcome is written out as the contract states it, independently of how
domain.authorization computes it, and checked for random callers, targets and fields.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.authorization import (
    can_see,
    ensure_can_see,
    ensure_can_see_profile,
    ensure_may_change_user,
    ensure_superuser,
)
from domain.errors import NotFound, PermissionDenied
from domain.users import User
from tests.support.accounts import make_user

USER_FIELDS = ["email", "name", "password", "is_active", "is_superuser"]


users = st.builds(make_user, is_superuser=st.booleans(), is_active=st.booleans())


@st.composite
def actor_and_target(draw: st.DrawFn) -> tuple[User, User]:
    actor = draw(users)
    return actor, actor if draw(st.booleans()) else draw(users)


def outcome(action, *args) -> str:
    try:
        action(*args)
    except NotFound:
        return "404"
    except PermissionDenied:
        return "403"
    return "ok"


@given(actor_and_target())
def test_an_account_is_visible_to_itself_and_to_superusers_only(pair) -> None:
    actor, target = pair
    expected = "ok" if actor.id == target.id or actor.is_superuser else "404"
    assert outcome(ensure_can_see, actor, target.id) == expected
    assert can_see(actor, target.id) is (expected == "ok")


@given(actor_and_target(), st.sets(st.sampled_from(USER_FIELDS)))
def test_changing_an_account_follows_the_table(pair, fields) -> None:
    actor, target = pair
    if actor.id != target.id and not actor.is_superuser:
        expected = "404"  # invisible, whatever is sent
    elif not actor.is_superuser and fields & {"password", "is_active", "is_superuser"}:
        expected = "403"
    else:
        expected = "ok"
    assert outcome(ensure_may_change_user, actor, target.id, fields) == expected


@given(users)
def test_only_superusers_may_list_and_create_accounts(actor) -> None:
    assert outcome(ensure_superuser, actor) == ("ok" if actor.is_superuser else "403")


@given(actor_and_target())
def test_profiles_of_active_accounts_are_public_to_every_caller(pair) -> None:
    actor, target = pair
    assert outcome(ensure_can_see_profile, actor, target) == ("ok" if target.is_active else "404")


def test_an_unknown_profile_is_not_found() -> None:
    with pytest.raises(NotFound):
        ensure_can_see_profile(make_user(), None)


def test_the_refusal_names_the_privileged_fields() -> None:
    user = make_user()
    with pytest.raises(PermissionDenied, match="is_active, password"):
        ensure_may_change_user(user, user.id, {"name", "password", "is_active"})
