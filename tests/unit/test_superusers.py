"""Never without an active superuser: the invariant, for random accounts and changes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import LastSuperuser
from domain.superusers import ensure_superuser_remains
from tests.support.accounts import make_user

accounts = st.lists(
    st.builds(make_user, is_superuser=st.booleans(), is_active=st.booleans()),
    min_size=1,
    max_size=6,
)
changes = st.sampled_from(["demote", "deactivate", "delete", "promote", "activate", "rename"])


def apply(change: str, user):
    return {
        "demote": lambda: replace(user, is_superuser=False),
        "deactivate": lambda: replace(user, is_active=False),
        "delete": lambda: None,
        "promote": lambda: replace(user, is_superuser=True),
        "activate": lambda: replace(user, is_active=True),
        "rename": lambda: replace(user, name="Other"),
    }[change]()


@given(accounts, st.data(), changes)
def test_a_change_is_refused_exactly_when_it_removes_the_last_active_superuser(
    users, data, change
) -> None:
    target = data.draw(st.sampled_from(users))
    after = apply(change, target)
    before = [u.id for u in users if u.is_active_superuser]
    remaining = [u for u in users if u.id != target.id and u.is_active_superuser]
    if after is not None and after.is_active_superuser:
        remaining.append(after)
    should_refuse = bool(before) and not remaining
    try:
        ensure_superuser_remains(before, target.id, after)
        refused = False
    except LastSuperuser:
        refused = True
    assert refused is should_refuse


def test_the_only_superuser_cannot_demote_deactivate_or_delete_itself() -> None:
    root = make_user(is_superuser=True)
    for after in (replace(root, is_superuser=False), replace(root, is_active=False), None):
        with pytest.raises(LastSuperuser):
            ensure_superuser_remains([root.id], root.id, after)


def test_with_a_second_superuser_it_can() -> None:
    root, other = make_user(is_superuser=True), make_user(is_superuser=True)
    ensure_superuser_remains([root.id, other.id], root.id, None)
