"""`GET /posts`: the public order, the filters, `mine`, and cursors bound to all of them."""

from __future__ import annotations

import pytest

from tests.support.api import bearer
from tests.support.assertions import assert_error, assert_validation_error
from tests.support.people import person

POSTS = "/api/v1/posts"


async def walk(client, params, size=2, headers=None) -> list[dict]:
    """Every item of a listing, page after page by cursor; checks the envelope on the way."""
    first = await client.get(POSTS, params={**params, "size": size}, headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    items, total = list(body["items"]), body["total"]
    assert body["page"] == 1 and body["pages"] == -(-total // size)
    while body["next_cursor"]:
        response = await client.get(
            POSTS, params={**params, "size": size, "cursor": body["next_cursor"]}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["page"] is None and body["total"] == total
        items += body["items"]
    assert len(items) == total
    return items


@pytest.fixture
async def blog(client):
    ann, bob = await person(client), await person(client)
    made = []
    for who, title, published in [
        (ann, "Tea at 100%", True),
        (bob, "snake_case", True),
        (ann, "A draft about tea", False),
        (bob, "Back\\slash", True),
        (ann, "TEA again", True),
        (bob, "Bob's draft", False),
    ]:
        body = {"title": title, "content": "Text", "is_published": published}
        response = await client.post(POSTS, json=body, headers=who.headers)
        made.append(response.json())
    # Publishing a draft later puts it first: the order is published_at, not created_at.
    late = await client.patch(
        f"{POSTS}/{made[2]['id']}", json={"is_published": True}, headers=ann.headers
    )
    made[2] = late.json()
    return client, ann, bob, made


def ids(posts) -> list[str]:
    return [p["id"] for p in posts]


def published_order(posts) -> list[str]:
    shown = [p for p in posts if p["is_published"]]
    return ids(sorted(shown, key=lambda p: (p["published_at"], p["id"]), reverse=True))


async def test_anyone_lists_the_published_posts_newest_published_first(blog) -> None:
    client, ann, _bob, made = blog
    assert made[2]["created_at"] < made[4]["created_at"] < made[2]["published_at"]
    expected = published_order(made)
    assert ids(await walk(client, {})) == expected and expected[0] == made[2]["id"]
    assert ids(await walk(client, {}, headers=ann.headers)) == expected
    head = await client.head(POSTS)
    assert head.status_code == 200 and head.content == b""


async def test_author_id_and_q_filter_the_public_list(blog) -> None:
    client, ann, bob, made = blog
    assert ids(await walk(client, {"author_id": ann.id})) == published_order(made[0::2])
    assert ids(await walk(client, {"q": " tea "})) == published_order([made[0], made[2], made[4]])
    assert ids(await walk(client, {"q": "tea", "author_id": bob.id})) == []
    for q, expected in (("100%", [made[0]]), ("%", [made[0]]), ("_", [made[1]]), ("\\", [made[3]])):
        assert ids(await walk(client, {"q": q})) == ids(expected), q


async def test_q_is_literal(blog) -> None:
    client, _ann, _bob, made = blog
    assert ids(await walk(client, {"q": "e_c"})) == [made[1]["id"]]
    assert await walk(client, {"q": "e%c"}) == []
    assert await walk(client, {"q": "k\\_"}) == []


async def test_mine_lists_the_callers_posts_with_drafts_newest_created_first(blog) -> None:
    client, ann, bob, made = blog
    mine = await walk(client, {"mine": "true"}, headers=bob.headers)
    bobs = [p for p in made if p["author_id"] == bob.id]
    expected = ids(sorted(bobs, key=lambda p: (p["created_at"], p["id"]), reverse=True))
    assert ids(mine) == expected and any(not p["is_published"] for p in mine)
    assert ids(await walk(client, {"mine": "true", "q": "draft"}, headers=bob.headers)) == [
        made[5]["id"]
    ]
    assert await walk(client, {"mine": "true", "author_id": ann.id}, headers=bob.headers) == []
    assert ids(await walk(client, {"mine": "false"}, headers=bob.headers)) == published_order(made)


async def test_mine_without_a_token_is_401_and_a_bad_token_is_always_401(blog) -> None:
    client, *_ = blog
    assert_error(await client.get(POSTS, params={"mine": "true"}), 401, "not_authenticated")
    for params in ({}, {"mine": "true"}):
        response = await client.get(POSTS, params=params, headers=bearer("not-a-token"))
        assert_error(response, 401, "invalid_token")


async def test_a_cursor_is_bound_to_the_filters_the_order_and_the_caller(blog) -> None:
    client, ann, bob, _made = blog
    public = (await client.get(POSTS, params={"size": 1, "q": "tea"})).json()["next_cursor"]
    for params in ({}, {"q": "te"}, {"q": "tea", "author_id": ann.id}, {"q": "tea", "page": 2}):
        response = await client.get(POSTS, params={"size": 1, "cursor": public, **params})
        assert_validation_error(response)
    response = await client.get(
        POSTS, params={"size": 1, "q": "tea", "mine": "true", "cursor": public}, headers=ann.headers
    )
    assert_validation_error(response)
    mine = await client.get(POSTS, params={"size": 1, "mine": "true"}, headers=ann.headers)
    cursor = mine.json()["next_cursor"]
    response = await client.get(
        POSTS, params={"size": 1, "mine": "true", "cursor": cursor}, headers=bob.headers
    )
    assert_validation_error(response)
    assert_validation_error(await client.get(POSTS, params={"cursor": public[:-2] + "xx"}))


@pytest.mark.parametrize(
    "params",
    [
        {"author_id": "nobody"},
        {"mine": "perhaps"},
        {"q": "a\x01"},
        {"q": "x" * 256},
        {"size": 0},
        {"size": 101},
        {"page": 0},
        {"cursor": ""},
    ],
)
async def test_bad_query_values_are_422(client, params) -> None:
    assert_validation_error(await client.get(POSTS, params=params))
