"""The per-request session check on PostgreSQL is one statement on the wire, and returning the
connection to the pool sends nothing (asyncpg's default reset would be a second round trip)."""

from __future__ import annotations

from adapters.asyncpg.principals import AsyncpgPrincipalLookup
from tests.contract.backends import open_backend
from tests.support.clock import FakeClock


async def test_one_lookup_is_one_statement(postgres_url) -> None:
    clock = FakeClock()
    async with open_backend("postgres", postgres_url, clock) as backend:
        user = await backend.add_user()
        session = await backend.add_session(user)
        lookup = AsyncpgPrincipalLookup(postgres_url, clock, pool_size=1, timeout=5.0)
        try:
            assert await lookup.find(user.id, session.id) == user  # opens the pool
            pool = lookup._pool  # the one connection of a pool of one
            assert pool is not None
            statements: list[str] = []
            async with pool.acquire() as connection:
                connection.add_query_logger(lambda record: statements.append(record.query))
            statements.clear()  # whatever releasing it above sent is not the lookup's
            for _ in range(3):
                assert await lookup.find(user.id, session.id) == user
            assert len(statements) == 3, statements
            assert all("FROM users AS u JOIN login_sessions" in query for query in statements)
        finally:
            await lookup.close()
