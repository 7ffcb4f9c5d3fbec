"""The item's rules: its text, and what a change may do."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import PolicyViolation
from domain.items import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH, Item

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def item(**fields) -> Item:
    return Item.create(owner_id=uuid.uuid4(), now=NOW, **{"title": "Stove", **fields})


@pytest.mark.parametrize("title", ["S", "x" * MAX_TITLE_LENGTH, "Grüner Tee 🍵", "a  b", "\u00a0a"])
def test_titles_of_one_to_two_hundred_visible_characters_are_kept(title) -> None:
    assert item(title=title).title == title


@pytest.mark.parametrize(
    "title",
    [
        "",
        " ",
        "\u3000",
        "x" * (MAX_TITLE_LENGTH + 1),
        "a\x00b",
        "a\nb",
        "a\tb",
        "a\x85b",
        "a\ud800",
        "\udfff",
        None,
        7,
    ],
)
def test_other_titles_are_refused(title) -> None:
    with pytest.raises(PolicyViolation) as refused:
        item(title=title)
    assert refused.value.field == "title"


@pytest.mark.parametrize(
    "description", [None, "", "x" * MAX_DESCRIPTION_LENGTH, "Line one\nline two\r\n\tend"]
)
def test_descriptions_up_to_two_thousand_characters_with_line_breaks_are_kept(
    description,
) -> None:
    assert item(description=description).description == description


@pytest.mark.parametrize(
    "description", ["x" * (MAX_DESCRIPTION_LENGTH + 1), "a\x00", "a\x1b[31m", "\x7f", "a\ud800", 3]
)
def test_other_descriptions_are_refused(description) -> None:
    with pytest.raises(PolicyViolation) as refused:
        item(description=description)
    assert refused.value.field == "description"


def test_a_change_sets_what_is_given_and_clears_a_null_description() -> None:
    made = item(description="Old")
    later = NOW + timedelta(seconds=5)
    made.change(later, title="New")
    assert (made.title, made.description, made.updated_at, made.created_at) == (
        "New",
        "Old",
        later,
        NOW,
    )
    made.change(later, description=None)
    assert (made.title, made.description) == ("New", None)


@given(
    title=st.one_of(st.none(), st.text(max_size=MAX_TITLE_LENGTH + 5)),
    description=st.one_of(st.none(), st.text(max_size=50)),
)
def test_a_refused_change_changes_nothing(title, description) -> None:
    made = item(description="Kept")
    before = (made.title, made.description, made.updated_at)
    try:
        made.change(NOW + timedelta(seconds=1), title=title, description=description)
    except PolicyViolation:
        assert (made.title, made.description, made.updated_at) == before
    else:
        assert (made.title, made.description) == (title, description)


def test_only_the_title_and_description_change() -> None:
    made = item()
    with pytest.raises(PolicyViolation):
        made.change(NOW, owner_id=str(uuid.uuid4()))
    assert made.title == "Stove"
