"""The post's own rules: the first publication counts, and what a title and content take."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import PolicyViolation
from domain.posts import MAX_CONTENT_LENGTH, MAX_TITLE_LENGTH, Post

START = datetime(2026, 1, 1, tzinfo=UTC)


def draft(**fields) -> Post:
    return Post.write(author_id=uuid.uuid4(), title="Hello", content="World", now=START, **fields)


steps = st.lists(
    st.tuples(
        st.sampled_from(["publish", "unpublish", "edit"]),
        st.integers(min_value=0, max_value=10**6),  # seconds until the step
    ),
    max_size=30,
)


@given(steps, st.booleans())
def test_published_at_is_the_first_publication_and_never_in_the_future(steps, at_once) -> None:
    post = draft(is_published=at_once)
    now, first = START, START if at_once else None
    for action, wait in steps:
        now += timedelta(seconds=wait)
        if action == "publish":
            post.publish(now)
            first = first or now
        elif action == "unpublish":
            post.unpublish(now)
        else:
            post.edit(now, title=f"Title at {now}")
        assert post.published_at == first
        assert post.published_at is None or post.published_at <= now
        assert post.updated_at == now
    assert post.is_published == (
        at_once
        if not steps or all(a == "edit" for a, _ in steps)
        else [a for a, _ in steps if a != "edit"][-1] == "publish"
    )


def test_a_new_post_is_a_draft_unless_published_at_once() -> None:
    assert (draft().is_published, draft().published_at) == (False, None)
    published = draft(is_published=True)
    assert (published.is_published, published.published_at) == (True, START)


def test_change_applies_title_content_and_publication() -> None:
    post = draft()
    later = START + timedelta(hours=1)
    post.change(later, title="New", is_published=True)
    assert (post.title, post.content, post.published_at, post.updated_at) == (
        "New",
        "World",
        later,
        later,
    )
    post.change(later + timedelta(hours=1), is_published=False)
    assert (post.is_published, post.published_at) == (False, later)
    with pytest.raises(PolicyViolation):
        post.change(later, author_id=uuid.uuid4())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * (MAX_TITLE_LENGTH + 1)),
        ("title", "a\nb"),
        ("title", "nul\x00"),
        ("title", "bell\x07"),
        ("title", "c1\x85"),
        ("title", "lone \ud800"),
        ("content", ""),
        ("content", "\n\t "),
        ("content", "x" * (MAX_CONTENT_LENGTH + 1)),
        ("content", "nul\x00"),
        ("content", "escape\x1b[31m"),
        ("content", "lone \udfff"),
    ],
)
def test_titles_and_contents_outside_the_rules_are_refused(field, value) -> None:
    with pytest.raises(PolicyViolation) as refused:
        Post.write(
            author_id=uuid.uuid4(),
            now=START,
            **{"title": "Fine", "content": "Fine", field: value},
        )
    assert refused.value.field == field
    post = draft()
    with pytest.raises(PolicyViolation):
        post.edit(START, **{field: value})
    assert (post.title, post.content) == ("Hello", "World")


def test_content_keeps_lines_and_tabs_and_both_take_their_maximum() -> None:
    text = "line one\r\n\tline two 🎉"
    post = Post.write(
        author_id=uuid.uuid4(),
        title="T" * MAX_TITLE_LENGTH,
        content=text + "x" * (MAX_CONTENT_LENGTH - len(text)),
        now=START,
    )
    assert len(post.title) == MAX_TITLE_LENGTH and len(post.content) == MAX_CONTENT_LENGTH
