"""Whose items a caller sees: the rule of domain.authorization, against the contract's
table written out independently."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from domain.authorization import can_see, owner_scope
from tests.support.accounts import make_user

users = st.builds(make_user, is_superuser=st.booleans())


@given(actor=users, asked=st.sampled_from(["none", "self", "other"]))
def test_a_listing_shows_own_items_and_a_superuser_everyones(actor, asked) -> None:
    other = uuid.uuid4()
    owner_id = {"none": None, "self": actor.id, "other": other}[asked]
    scope = owner_scope(actor, owner_id)
    if actor.is_superuser:
        assert (scope.owner_id, scope.nothing) == (owner_id, False)
    elif asked == "other":  # the filter narrows the caller's own items to none
        assert (scope.owner_id, scope.nothing) == (actor.id, True)
    else:
        assert (scope.owner_id, scope.nothing) == (actor.id, False)


@given(actor=users, owns=st.booleans())
def test_an_item_is_seen_by_its_owner_and_superusers_only(actor, owns) -> None:
    owner_id = actor.id if owns else uuid.uuid4()
    assert can_see(actor, owner_id) is (owns or actor.is_superuser)
