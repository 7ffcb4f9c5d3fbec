"""The rules for free text on an account: the display name and the bio."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import PolicyViolation
from domain.users import MAX_NAME_LENGTH, User, check_name

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def acceptable(name: str) -> bool:
    has_control = any(ord(c) < 32 or 127 <= ord(c) <= 159 for c in name)
    return 1 <= len(name) <= MAX_NAME_LENGTH and bool(name.strip()) and not has_control


@given(st.text(max_size=MAX_NAME_LENGTH + 5))
def test_a_name_is_accepted_exactly_when_the_rule_says(name: str) -> None:
    if acceptable(name):
        check_name(name)
    else:
        with pytest.raises(PolicyViolation):
            check_name(name)


@pytest.mark.parametrize("name", ["", "   ", "\x1c", "Ann\x00", "Ann\nBeth", "x" * 101])
def test_blank_long_or_control_character_names_are_refused(name: str) -> None:
    with pytest.raises(PolicyViolation):
        check_name(name)


@pytest.mark.parametrize("bio", ["nul\x00", "bell\x07", "escape\x1b[0m", "del\x7f"])
def test_a_bio_refuses_control_characters_other_than_line_breaks_and_tabs(bio: str) -> None:
    user = User.register(email="a@example.com", name="Ann", hashed_password="h", now=NOW)
    with pytest.raises(PolicyViolation):
        user.set_bio(bio, NOW)
    user.set_bio("line one\r\nline two\tindented", NOW)
    assert user.bio == "line one\r\nline two\tindented"
