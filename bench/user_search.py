"""The administrators' user search (`GET /api/v1/users?q=…`) on 10^6 users, with and
without the trigram indexes of migration 0003: EXPLAIN ANALYZE of the page query and of the
count, as the repository sends them.

    python -m bench.user_search [--users 1000000] [--database-url postgresql+asyncpg://…/postgres]

Without --database-url a throwaway PostgreSQL cluster is started and removed afterwards. With
it, a scratch database is created on that server for the run and dropped afterwards; no other
database is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import statistics
import time
from collections.abc import AsyncIterator

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sqlalchemy.migrate import upgrade_to_head
from adapters.sqlalchemy.tables.users import users
from adapters.sqlalchemy.user_search import NEWEST_FIRST, user_conditions
from application.ports.users import UserFilter
from bench.support import postgres_server

TRIGRAM_INDEXES = {"ix_users_email_trgm": "email", "ix_users_name_trgm": "name"}
REPEATS = 5
ACCESS_PATH = re.compile(
    r"(Parallel Seq Scan|Seq Scan|Bitmap Index Scan on \w+|Index Scan(?: Backward)? using \w+"
    r"|Index Only Scan using \w+)"
)
EXECUTION_TIME = re.compile(r"Execution Time: ([\d.]+) ms")
INDEX_SIZE = (
    "SELECT pg_size_pretty(sum(pg_relation_size(i::regclass)))"
    " FROM unnest(CAST(:names AS text[])) AS i"
)
# Rows like real ones: unique e-mails on a few domains, two-word names, a creation time each.
FILL = """
INSERT INTO users (id, email, name, hashed_password, is_active, is_superuser,
                   created_at, updated_at, password_changed_at)
SELECT md5('user' || i)::uuid,
       'u' || i || '.' || substr(md5(i::text), 1, 6) || '@'
           || (ARRAY['example.com', 'mail.example.org', 'shop.example.net'])[1 + i % 3],
       initcap(substr(md5('first' || i), 1, 3 + i % 5)) || ' '
           || initcap(substr(md5('last' || i), 1, 5 + i % 6)),
       '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
       i % 10 <> 0, false,
       now() - i * interval '1 second', now(), now()
FROM generate_series(1, :count) AS i
"""
SAMPLE = text("SELECT email, name FROM users WHERE id = md5('user' || :i)::uuid")


@contextlib.asynccontextmanager
async def scratch_database(server_url: str) -> AsyncIterator[str]:
    """A database of our own on the server, dropped at the end."""
    name = f"hexapi_bench_search_{os.getpid()}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(False)
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def as_sql(statement) -> str:
    """The statement as the repository builds it, with its values inlined for EXPLAIN."""
    dialect = asyncpg.dialect()  # the app's driver: no %-escaping in the inlined patterns
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def page_query(q: str | None) -> str:
    statement = (
        select(users).where(*user_conditions(UserFilter(q=q))).order_by(*NEWEST_FIRST).limit(21)
    )
    return as_sql(statement)


def count_query(q: str | None) -> str:
    statement = select(func.count()).select_from(users).where(*user_conditions(UserFilter(q=q)))
    return as_sql(statement)


async def explain(engine: AsyncEngine, sql: str) -> tuple[float, str]:
    """Median execution time (ms) over REPEATS warm runs, and the plan's access path."""
    times: list[float] = []
    plan: list[str] = []
    async with engine.connect() as conn:
        await conn.exec_driver_sql(f"EXPLAIN ANALYZE {sql}")  # warm the cache
        for _ in range(REPEATS):
            plan = [r[0] for r in await conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")]
            times.append(float(EXECUTION_TIME.search(plan[-1]).group(1)))  # type: ignore[union-attr]
    nodes = [m.group(1) for row in plan if (m := ACCESS_PATH.search(row))]
    return statistics.median(times), ", ".join(dict.fromkeys(nodes))


async def generic_plan(engine: AsyncEngine, q: str) -> str:
    """What a bound pattern would cost: asyncpg prepares every statement, and PostgreSQL may
    then cache a generic plan that cannot see the pattern. (Why the repository inlines it.)"""
    sql = count_query("QPLACEHOLDER").replace("'%QPLACEHOLDER%'", "'%' || $1 || '%'")
    async with engine.connect() as conn:
        await conn.execute(text("SET plan_cache_mode = force_generic_plan"))
        await conn.exec_driver_sql(f"PREPARE search(text) AS {sql}")
        explain_sql = f"EXPLAIN ANALYZE EXECUTE search('{q}')"
        await conn.exec_driver_sql(explain_sql)  # warm the cache
        times, plan = [], []
        for _ in range(REPEATS):
            plan = [r[0] for r in await conn.exec_driver_sql(explain_sql)]
            times.append(float(EXECUTION_TIME.search(plan[-1]).group(1)))  # type: ignore[union-attr]
        await conn.exec_driver_sql("DEALLOCATE search")
        await conn.execute(text("RESET plan_cache_mode"))
    nodes = [m.group(1) for row in plan if (m := ACCESS_PATH.search(row))]
    return f"{statistics.median(times):>10.2f} ms  {', '.join(dict.fromkeys(nodes))}"


async def measure(engine: AsyncEngine, searches: dict[str, str | None], label: str) -> None:
    for what, q in searches.items():
        page_ms, page_plan = await explain(engine, page_query(q))
        count_ms, count_plan = await explain(engine, count_query(q))
        print(f"{label:<16}{what:<26}{q!r:<14}{'page':<7}{page_ms:>10.2f} ms  {page_plan}")
        print(f"{'':<16}{'':<26}{'':<14}{'count':<7}{count_ms:>10.2f} ms  {count_plan}")


async def run(url: str, count: int) -> None:
    engine = create_async_engine(url)
    try:
        await upgrade_to_head(engine)
        async with engine.begin() as conn:
            for index in TRIGRAM_INDEXES:
                await conn.execute(text(f"DROP INDEX {index}"))
            started = time.perf_counter()
            await conn.execute(text(FILL), {"count": count})
            print(f"inserted {count:,} users in {time.perf_counter() - started:.1f} s")
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE users"))
            sample = (await conn.execute(SAMPLE, {"i": str(count * 7 // 9 + 1)})).one()
        searches: dict[str, str | None] = {
            "no filter (everyone)": None,
            "part of an e-mail": sample.email.split("@")[0][-8:],  # e.g. '777.3f9c2a'
            "part of a name": sample.name.split(" ")[1][1:5].upper(),  # any case
            "a short common part": "ab",
        }
        await measure(engine, searches, "no index")
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            for index, column in TRIGRAM_INDEXES.items():
                started = time.perf_counter()
                await conn.execute(
                    text(f"CREATE INDEX {index} ON users USING gin (lower({column}) gin_trgm_ops)")
                )
                print(f"built {index} in {time.perf_counter() - started:.1f} s")
            await conn.execute(text("ANALYZE users"))
            names = {"names": list(TRIGRAM_INDEXES)}
            size = (await conn.execute(text(INDEX_SIZE), names)).scalar_one()
            print(f"trigram indexes: {size} on disk")
        await measure(engine, searches, "trigram GIN")
        for what, q in searches.items():
            if q is not None:
                timing = await generic_plan(engine, q)
                print(f"{'bound, generic':<16}{what:<26}{q!r:<14}{'count':<7}{timing}")
    finally:
        await engine.dispose()


async def main_async(server_url: str, count: int) -> None:
    async with scratch_database(server_url) as url:
        await run(url, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="a PostgreSQL server; a scratch database is made")
    args = parser.parse_args()
    with postgres_server(args.database_url) as url:
        asyncio.run(main_async(url, args.users))


if __name__ == "__main__":
    main()
