"""Case-insensitive search finds the same rows on every backend, whatever the script.

SQLite's own lower() knows ASCII only; PostgreSQL's follows the database's LC_CTYPE. The one
search helper (adapters/sqlalchemy/text_search.contains_text) makes them agree with each
other and with the in-memory listing: every backend must give the table below.
"""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select, text

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.text_search import unicode_lower
from application.ports.users import UserFilter
from domain.text_search import lower_text

PEOPLE = [
    ("emile@example.com", "ÉMILE Zola"),
    ("orsted@example.com", "Hans Christian ØRSTED"),
    ("sofia@example.com", "ΣΟΦΊΑ Παπαδοπούλου"),
    ("ivan@example.com", "ИВАН Петров"),
    ("strasse@example.com", "Große Straße"),
    ("andre@example.com", "andré"),
]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("émile", ["emile@example.com"]),  # the contract's example: finds ÉMILE
        ("ÉMILE", ["emile@example.com"]),
        ("Émile zo", ["emile@example.com"]),
        ("ørsted", ["orsted@example.com"]),
        ("σοφία", ["sofia@example.com"]),
        ("ΠΑΠΑΔΟΠΟΎΛΟΥ", ["sofia@example.com"]),
        ("иван", ["ivan@example.com"]),
        ("STRASSE", ["strasse@example.com"]),  # the e-mail; ß is not "ss" in the name
        ("STRAßE", ["strasse@example.com"]),
        ("ANDRÉ", ["andre@example.com"]),
        ("andre", ["andre@example.com"]),  # the e-mail: no accent folding, only case
        ("é", ["andre@example.com", "emile@example.com"]),
        ("emile zola", []),  # É is not E
    ],
)
async def test_search_is_case_insensitive_in_every_script_on_every_backend(
    backend, q, expected
) -> None:
    for email, name in PEOPLE:
        await backend.add_user(email, name=name)
    async with backend.uow() as uow:
        found = await uow.users.search(UserFilter(q=q), limit=100)
    assert sorted(u.email for u in found) == expected


# Every upper-case letter of Latin, Greek, Cyrillic and Armenian, one by one.
CAPITALS = [chr(c) for c in range(0x41, 0x590) if chr(c).isupper()]


async def test_the_databases_lower_every_letter_as_the_domain_does(sql_database_url) -> None:
    engine = build_engine(sql_database_url)
    try:
        async with engine.connect() as conn:
            lowered = [
                (await conn.execute(select(unicode_lower(literal(word))))).scalar_one()
                for word in ["".join(CAPITALS), "ΣΑΣ", "İI", "ǅǈ", "ẞ"]
            ]
    finally:
        await engine.dispose()
    expected = [lower_text(w) for w in ["".join(CAPITALS), "ΣΑΣ", "İI", "ǅǈ", "ẞ"]]
    differing = [
        (capital, got, want)
        for capital, got, want in zip(CAPITALS, lowered[0], expected[0], strict=True)
        if got != want
    ]
    assert not differing, differing
    assert lowered[1:] == expected[1:]


async def test_postgresql_lowers_every_script_under_this_database_s_ctype(postgres_url) -> None:
    """The search relies on a UTF-8 LC_CTYPE; under `C` lower() would know ASCII only."""
    engine = build_engine(postgres_url)
    try:
        async with engine.connect() as conn:
            ctype = (
                await conn.execute(
                    text("SELECT datctype FROM pg_database WHERE datname = current_database()")
                )
            ).scalar_one()
            lowered = (await conn.execute(text("SELECT lower('ÉMILE ØΣИ')"))).scalar_one()
    finally:
        await engine.dispose()
    assert lowered == "émile øσи", f"LC_CTYPE {ctype} does not lower non-ASCII text"
