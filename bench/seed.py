"""Seeding the benchmark database with SQL (generate_series), not through the API: 10^6 rows
take seconds this way instead of hours.

Every row is a function of its number and the seed, so a run is reproducible. A table is
filled only with the columns it has: a column we know gets its expression, a column we do
not know must be nullable or have a default, else that resource is reported as not seedable
(its scenarios are skipped with that reason) rather than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

USERS = 10_000
PASSWORD = "Bench-Password-1"  # noqa: S105 - the throwaway benchmark accounts' password
HOT_PRODUCT = "00000000-0000-4000-8000-000000000001"


def user_id(n: int, seed: int) -> str:
    """The id of seeded user number `n` (1-based), as SQL computes it."""
    import hashlib
    import uuid

    return str(uuid.UUID(hashlib.md5(f"{seed}user{n}".encode()).hexdigest()))  # noqa: S324


def user_email(n: int) -> str:
    return f"bench{n}@example.com"


# Column -> SQL expression of the row number `i` (and :seed, the run's seed, as $1).
_TIME = "now() - i * interval '1 second'"
USER_COLUMNS = {
    "id": "md5($1 || 'user' || i)::uuid",
    "email": "'bench' || i || '@example.com'",
    "name": "'Bench ' || substr(md5($1 || 'name' || i), 1, 8)",
    "hashed_password": "$2",
    "is_active": "true",
    "is_superuser": "i = 1",
    "created_at": _TIME,
    "updated_at": _TIME,
    "password_changed_at": "now() - interval '1 day'",
}
PRODUCT_COLUMNS = {
    "id": "md5($1 || 'product' || i)::uuid",
    "name": "'Product ' || i || ' ' || substr(md5($1 || 'pname' || i), 1, 10)",
    "description": "'A product to benchmark with, number ' || i",
    "price": "((i::bigint * 7919) % 100000 + 1) / 100.0",
    "price_cents": "(i::bigint * 7919) % 100000 + 1",
    "stock": "1000",
    "is_active": "i % 50 <> 0",
    "created_at": _TIME,
    "updated_at": _TIME,
}
POST_COLUMNS = {
    "id": "md5($1 || 'post' || i)::uuid",
    "title": "'Post ' || i || ' ' || substr(md5($1 || 'title' || i), 1, 12)",
    "content": "repeat('Benchmark content of post ' || i || '. ', 8)",
    "is_published": "i % 10 <> 0",
    "published_at": "CASE WHEN i % 10 <> 0 THEN " + _TIME + " END",
    "author_id": f"md5($1 || 'user' || (1 + i % {USERS}))::uuid",
    "created_at": _TIME,
    "updated_at": _TIME,
}


class NotSeedable(Exception):
    """The table is missing, or has a required column we have no value for."""


@dataclass(frozen=True)
class Seeded:
    users: int
    products: int | str  # a count, or why not
    posts: int | str


async def seed(dsn: str, *, scale: int, seed: int, password_hash: str) -> Seeded:
    conn = await asyncpg.connect(dsn)
    try:
        users = await _fill(conn, "users", USER_COLUMNS, USERS, seed, password_hash)
        products = await _try(conn, "products", PRODUCT_COLUMNS, scale, seed, password_hash)
        if isinstance(products, int):
            await _hot_product(conn)
            await _kept_product_counts(conn)
        posts = await _try(conn, "posts", POST_COLUMNS, scale, seed, password_hash)
        await conn.execute("ANALYZE")
        return Seeded(users, products, posts)
    finally:
        await conn.close()


async def _try(conn, table, columns, count, seed, password_hash) -> int | str:  # type: ignore[no-untyped-def]
    try:
        return await _fill(conn, table, columns, count, seed, password_hash)
    except NotSeedable as exc:
        return str(exc)


async def _fill(  # type: ignore[no-untyped-def]
    conn: asyncpg.Connection, table: str, known: dict[str, str], count: int, seed, password_hash
) -> int:
    rows = await conn.fetch(
        "SELECT column_name, is_nullable, column_default FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        table,
    )
    if not rows:
        raise NotSeedable(f"no table {table}")
    chosen = []
    for row in rows:
        name = row["column_name"]
        if name in known:
            chosen.append(name)
        elif row["is_nullable"] == "NO" and row["column_default"] is None:
            raise NotSeedable(f"{table}.{name} is required and the seeder has no value for it")
    if "price" in chosen and "price_cents" in chosen:
        chosen.remove("price_cents")
    values = ", ".join(known[name] for name in chosen)
    uses_hash = "$2" in values
    sql = (
        f"INSERT INTO {table} ({', '.join(chosen)}) SELECT {values}"  # noqa: S608 - our names
        f" FROM generate_series(1, {int(count)}) AS i"
    )
    if not uses_hash:
        sql = sql.replace("$1", "$1::text")
        await conn.execute(sql, str(seed))
    else:
        await conn.execute(sql.replace("$1", "$1::text"), str(seed), password_hash)
    return count


async def _hot_product(conn: asyncpg.Connection) -> None:
    """One active product with stock for any number of orders: the contention scenario."""
    await conn.execute(
        "UPDATE products SET id = $1::uuid, stock = 1000000000, is_active = true"
        " WHERE id = (SELECT id FROM products ORDER BY created_at LIMIT 1)",
        HOT_PRODUCT,
    )


async def _kept_product_counts(conn: asyncpg.Connection) -> None:
    """The listing's `total` comes from `product_counts`, which the application keeps and bulk
    SQL does not: count the seeded rows once into it."""
    await conn.execute(
        "INSERT INTO product_counts (id, on_sale, total)"
        " SELECT 1, count(*) FILTER (WHERE is_active), count(*) FROM products"
        " ON CONFLICT (id) DO UPDATE SET on_sale = excluded.on_sale, total = excluded.total"
    )


async def reset_schema(dsn: str) -> None:
    """Drop and recreate the `public` schema: the benchmark owns the database it is given."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()
