"""`/posts` over HTTP: every row of the contract, for the author, another user, a superuser
and anonymous callers (the storage is proven on every backend by the contract tests)."""

from __future__ import annotations

import uuid

import pytest

from tests.support.api import bearer
from tests.support.assertions import assert_error, assert_validation_error
from tests.support.people import person, superuser

POSTS = "/api/v1/posts"
FIELDS = {
    "id",
    "title",
    "content",
    "is_published",
    "published_at",
    "author_id",
    "created_at",
    "updated_at",
}


async def write(client, who, **fields):
    body = {"title": "Hello", "content": "First words.", **fields}
    response = await client.post(POSTS, json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def people(client):
    return await person(client), await person(client), await superuser(client)


async def test_writing_a_post_makes_a_draft_unless_published(client, people) -> None:
    ann, _bob, _root = people
    draft = await write(client, ann, title="  Padded  ", content="line\n\tindented")
    assert set(draft) == FIELDS
    assert (draft["title"], draft["content"], draft["author_id"]) == (
        "Padded",
        "line\n\tindented",
        ann.id,
    )
    assert (draft["is_published"], draft["published_at"]) == (False, None)
    assert draft["created_at"].endswith("+00:00")
    published = await write(client, ann, is_published=True)
    assert published["is_published"] and published["published_at"].endswith("+00:00")


@pytest.mark.parametrize(
    "body",
    [
        {"title": "T", "content": "C", "author_id": str(uuid.uuid4())},
        {"title": "T", "content": "C", "published_at": "2020-01-01T00:00:00+00:00"},
        {"title": "T", "content": "C", "id": str(uuid.uuid4())},
        {"title": "", "content": "C"},
        {"title": "   ", "content": "C"},
        {"title": "x" * 256, "content": "C"},
        {"title": "a\nb", "content": "C"},
        {"title": "T", "content": " \n "},
        {"title": "T", "content": "x" * 100_001},
        {"title": "T", "content": "nul \u0000"},
        {"title": "T", "content": "esc \u001b"},
        {"title": "T"},
        {"content": "C"},
        {"title": None, "content": "C"},
        {"title": "T", "content": "C", "is_published": "maybe"},
    ],
)
async def test_a_body_outside_the_contract_is_422(client, people, body) -> None:
    ann, _bob, _root = people
    assert_validation_error(await client.post(POSTS, json=body, headers=ann.headers))


async def test_a_lone_surrogate_is_422(client, people) -> None:
    ann, _bob, _root = people
    for body in ('{"title": "a\\ud800", "content": "C"}', '{"title": "T", "content": "\\udfff"}'):
        response = await client.post(
            POSTS, content=body, headers={**ann.headers, "Content-Type": "application/json"}
        )
        assert_validation_error(response)


async def test_writing_needs_a_token(client) -> None:
    assert_error(
        await client.post(POSTS, json={"title": "T", "content": "C"}), 401, "not_authenticated"
    )
    response = await client.post(
        POSTS, json={"title": "T", "content": "C"}, headers=bearer("x.y.z")
    )
    assert_error(response, 401, "invalid_token")


async def test_who_reads_a_post(client, people) -> None:
    ann, bob, root = people
    draft, published = await write(client, ann), await write(client, ann, is_published=True)
    for headers in (None, bob.headers, ann.headers, root.headers):
        response = await client.get(f"{POSTS}/{published['id']}", headers=headers)
        assert response.status_code == 200 and response.json() == published
    for headers in (ann.headers, root.headers):
        assert (await client.get(f"{POSTS}/{draft['id']}", headers=headers)).json() == draft
    for headers in (None, bob.headers):
        assert_error(await client.get(f"{POSTS}/{draft['id']}", headers=headers), 404, "not_found")
    assert_error(await client.get(f"{POSTS}/{uuid.uuid4()}"), 404, "not_found")
    assert_validation_error(await client.get(f"{POSTS}/not-a-uuid"))
    # A token that is sent must be valid, even where none is needed.
    response = await client.get(f"{POSTS}/{published['id']}", headers=bearer("forged"))
    assert_error(response, 401, "invalid_token")
    head = await client.head(f"{POSTS}/{published['id']}")
    assert head.status_code == 200 and head.content == b""


async def test_the_author_edits_publishes_and_unpublishes(client, people) -> None:
    ann, _bob, _root = people
    draft = await write(client, ann)
    url = f"{POSTS}/{draft['id']}"
    edited = await client.patch(
        url, json={"title": "Better", "content": "More"}, headers=ann.headers
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["content"]) == ("Better", "More")
    assert edited.json()["published_at"] is None
    first = (await client.patch(url, json={"is_published": True}, headers=ann.headers)).json()
    assert first["is_published"] and first["published_at"]
    hidden = (await client.patch(url, json={"is_published": False}, headers=ann.headers)).json()
    assert (hidden["is_published"], hidden["published_at"]) == (False, first["published_at"])
    again = (await client.patch(url, json={"is_published": True}, headers=ann.headers)).json()
    assert again["published_at"] == first["published_at"]
    assert again["updated_at"] >= first["updated_at"] and again["created_at"] == draft["created_at"]
    assert (await client.patch(url, json={}, headers=ann.headers)).status_code == 200
    for body in ({"title": None}, {"is_published": None}, {"author_id": ann.id}, {"title": ""}):
        assert_validation_error(await client.patch(url, json=body, headers=ann.headers))
    assert (await client.get(url)).json()["title"] == "Better"


async def test_another_user_gets_403_on_a_published_post_and_404_on_a_draft(client, people):
    ann, bob, _root = people
    draft, published = await write(client, ann), await write(client, ann, is_published=True)
    change = {"title": "Taken over"}
    for post, status, code in ((published, 403, "forbidden"), (draft, 404, "not_found")):
        url = f"{POSTS}/{post['id']}"
        assert_error(await client.patch(url, json=change, headers=bob.headers), status, code)
        assert_error(await client.delete(url, headers=bob.headers), status, code)
        assert (await client.get(url, headers=ann.headers)).json() == post
    # Visibility first: someone else's draft is 404 even with a body that is refused.
    response = await client.patch(
        f"{POSTS}/{draft['id']}", json={"title": "Fine"}, headers=bob.headers
    )
    assert_error(response, 404, "not_found")


async def test_a_superuser_changes_and_deletes_anyones_post(client, people) -> None:
    ann, _bob, root = people
    draft = await write(client, ann)
    url = f"{POSTS}/{draft['id']}"
    changed = await client.patch(url, json={"is_published": True}, headers=root.headers)
    assert changed.status_code == 200 and changed.json()["author_id"] == ann.id
    assert (await client.delete(url, headers=root.headers)).status_code == 204
    assert_error(await client.get(url, headers=ann.headers), 404, "not_found")


async def test_the_author_deletes_and_anonymous_callers_cannot_write(client, people) -> None:
    ann, _bob, _root = people
    post = await write(client, ann, is_published=True)
    url = f"{POSTS}/{post['id']}"
    assert_error(await client.patch(url, json={"title": "X"}), 401, "not_authenticated")
    assert_error(await client.delete(url), 401, "not_authenticated")
    deleted = await client.delete(url, headers=ann.headers)
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(await client.delete(url, headers=ann.headers), 404, "not_found")
    assert_error(
        await client.patch(url, json={"title": "X"}, headers=ann.headers), 404, "not_found"
    )


async def test_deleting_an_account_deletes_its_posts(client, people) -> None:
    ann, bob, root = people
    gone = [await write(client, ann, is_published=True), await write(client, ann)]
    kept = await write(client, bob, is_published=True)
    assert (await client.delete("/api/v1/users/me", headers=ann.headers)).status_code == 204
    for post in gone:
        assert_error(
            await client.get(f"{POSTS}/{post['id']}", headers=root.headers), 404, "not_found"
        )
    listed = (await client.get(POSTS)).json()
    assert [p["id"] for p in listed["items"]] == [kept["id"]]


async def test_posts_on_every_sql_backend(make_client, sql_database_url) -> None:
    client = await make_client(sql_database_url)
    ann, bob = await person(client), await person(client)
    draft = await write(client, ann, title="50% off_\\")
    published = await write(client, ann, is_published=True)
    assert_error(await client.get(f"{POSTS}/{draft['id']}", headers=bob.headers), 404, "not_found")
    response = await client.patch(
        f"{POSTS}/{published['id']}", json={"title": "x"}, headers=bob.headers
    )
    assert_error(response, 403, "forbidden")
    listed = (
        await client.get(POSTS, params={"mine": "true", "q": "% OFF_\\"}, headers=ann.headers)
    ).json()
    assert [p["id"] for p in listed["items"]] == [draft["id"]]
    assert (await client.get(POSTS)).json()["total"] == 1
