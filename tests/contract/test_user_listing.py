"""UserRepository: listing, searching, locking and deleting, on every backend."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text

from adapters.sqlalchemy.tables.users import users
from adapters.sqlalchemy.user_search import user_conditions
from application.ports.users import UserFilter
from domain.errors import EmailTaken


async def newest_first(backend, where: UserFilter = UserFilter(), **window) -> list[str]:
    async with backend.uow() as uow:
        found = await uow.users.search(where, limit=window.pop("limit", 100), **window)
    return [u.email for u in found]


async def count(backend, where: UserFilter) -> int:
    async with backend.uow() as uow:
        return await uow.users.count(where)


async def add_people(backend) -> None:
    for email, name, active in [
        ("ann@example.com", "Ann Smith", True),
        ("bob@example.com", "Bob Smithers", False),
        ("carol@shop.example", "Carol", True),
        ("dan_1@example.com", "Dan 100% Real", True),
        ("eve@example.com", "Eve O'Brien \\ Co", True),
    ]:
        await backend.add_user(email, name=name, is_active=active)
        backend.clock.advance(seconds=1)


async def test_users_list_newest_first_with_offset_and_limit(backend) -> None:
    await add_people(backend)
    everyone = [
        "eve@example.com",
        "dan_1@example.com",
        "carol@shop.example",
        "bob@example.com",
        "ann@example.com",
    ]
    assert await newest_first(backend) == everyone
    assert await newest_first(backend, limit=2, offset=1) == everyone[1:3]
    assert await count(backend, UserFilter()) == 5


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (UserFilter(q="SMITH"), ["bob@example.com", "ann@example.com"]),  # name, any case
        (UserFilter(q="Shop.Ex"), ["carol@shop.example"]),  # e-mail, any case
        (UserFilter(q="smith", is_active=True), ["ann@example.com"]),
        (UserFilter(is_active=False), ["bob@example.com"]),
        (UserFilter(q="100%"), ["dan_1@example.com"]),  # % is a character, not a wildcard
        (UserFilter(q="n_1"), ["dan_1@example.com"]),  # and so is _
        (UserFilter(q="%"), ["dan_1@example.com"]),
        (UserFilter(q="_"), ["dan_1@example.com"]),
        (UserFilter(q="\\"), ["eve@example.com"]),  # and \\ too
        (UserFilter(q="o'brien"), ["eve@example.com"]),  # quotes are data, never SQL
        (UserFilter(q="' OR '1'='1"), []),
        (UserFilter(q="x'); DROP TABLE users; --"), []),
        (UserFilter(q="nobody"), []),
    ],
)
async def test_filters_match_case_insensitive_substrings_literally(
    backend, where: UserFilter, expected: list[str]
) -> None:
    await add_people(backend)
    assert await newest_first(backend, where) == expected
    assert await count(backend, where) == len(expected)


async def test_after_starts_strictly_after_a_position_with_the_id_breaking_ties(backend) -> None:
    same_moment = [await backend.add_user() for _ in range(5)]  # the clock stands still
    ordered = sorted(same_moment, key=lambda u: u.id, reverse=True)
    third = ordered[2]
    found = await newest_first(backend, after=(third.created_at, third.id))
    assert found == [u.email for u in ordered[3:]]


async def test_get_for_update_reads_like_get(backend) -> None:
    user = await backend.add_user()
    async with backend.uow() as uow:
        assert await uow.users.get_for_update(user.id) == user
        assert await uow.users.get_for_update(uuid.uuid4()) is None


async def test_active_superusers_are_listed_in_id_order(backend) -> None:
    supers = [await backend.add_user(is_superuser=True) for _ in range(3)]
    await backend.add_user(is_superuser=True, is_active=False)
    await backend.add_user()
    async with backend.uow() as uow:
        assert await uow.users.lock_active_superusers() == sorted(u.id for u in supers)


async def test_deleting_a_user_deletes_their_sessions_and_frees_the_email(backend) -> None:
    user, other = await backend.add_user("ann@example.com"), await backend.add_user()
    session = await backend.add_session(user)
    kept = await backend.add_session(other)
    async with backend.uow() as uow:
        await uow.users.delete(user.id)
        await uow.commit()
    assert await backend.user(user.id) is None
    assert await backend.session(session.id) is None
    assert await backend.session(kept.id) == kept
    await backend.add_user("ann@example.com")


async def test_a_delete_without_commit_is_rolled_back(backend) -> None:
    user = await backend.add_user()
    async with backend.uow() as uow:
        await uow.users.delete(user.id)
    assert await backend.user(user.id) == user


async def test_an_email_change_to_a_taken_address_is_refused(backend) -> None:
    await backend.add_user("ann@example.com")
    bob = await backend.add_user("bob@example.com")
    bob.change_details(backend.clock.now(), email="ann@example.com")
    with pytest.raises(EmailTaken):
        async with backend.uow() as uow:
            await uow.users.update(bob)
    assert (await backend.user(bob.id)).email == "bob@example.com"


async def test_profile_fields_are_stored(backend) -> None:
    user = await backend.add_user()
    user.set_bio("Hello ✓", backend.clock.now())
    user.replace_avatar("avatars/" + uuid.uuid4().hex, "image/webp", backend.clock.now())
    async with backend.uow() as uow:
        await uow.users.update(user)
        await uow.commit()
    assert await backend.user(user.id) == user


# --- PostgreSQL: the search is served by the trigram indexes --------------------------------


async def test_postgres_searches_through_the_trigram_indexes(postgres_url, engine_for) -> None:
    # The repository's own condition: lower(col) LIKE lower(pattern) must match the indexes.
    engine = engine_for(postgres_url)
    statement = select(func.count()).select_from(users).where(*user_conditions(UserFilter(q="smi")))
    compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
    async with engine.connect() as conn:
        await conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(row[0] for row in await conn.execute(text(f"EXPLAIN {compiled}")))
    assert "ix_users_email_trgm" in plan and "ix_users_name_trgm" in plan, plan


async def test_postgres_locks_active_superusers_through_the_partial_index(
    postgres_url, engine_for
) -> None:
    engine = engine_for(postgres_url)
    async with engine.connect() as conn:
        await conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            row[0]
            for row in await conn.execute(
                text(
                    "EXPLAIN SELECT id FROM users WHERE is_superuser AND is_active"
                    " ORDER BY id FOR UPDATE"
                )
            )
        )
    assert "ix_users_active_superusers" in plan, plan


async def test_sqlite_finds_active_superusers_through_the_partial_index(
    sqlite_url, engine_for
) -> None:
    engine = engine_for(sqlite_url)
    statement = select(users.c.id).where(users.c.is_superuser, users.c.is_active)
    compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
    async with engine.connect() as conn:
        plan = str((await conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))).all())
    assert "ix_users_active_superusers" in plan, plan
