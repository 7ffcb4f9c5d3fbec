"""Case-insensitive substring search, the same on PostgreSQL, SQLite and every script.

`contains_text` is the one search of every listing with a `q` (users, posts, products): the
same results on PostgreSQL and SQLite, non-ASCII included. SQLite's own lower() only knows
ASCII (`ÉMILE` stays `ÉMILE`), so there the lowering is the domain's lower_text, registered on
every connection (engine.py); PostgreSQL's lower() follows the database's LC_CTYPE, which must
be a UTF-8 locale (initdb's default on a UTF-8 system).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from domain.text_search import lower_text

# The name under which engine.py registers `lower_text` on SQLite connections.
SQLITE_LOWER = "hexapi_lower"


def sqlite_lower(text: str | None) -> str | None:
    """The lowering registered on SQLite connections (NULL stays NULL)."""
    return None if text is None else lower_text(text)


class unicode_lower(FunctionElement[str]):
    """lower() that lowers every script on every backend: `lower(x)` on PostgreSQL (what
    the trigram indexes are built on), domain.text_search.lower_text on SQLite."""

    type = String()
    inherit_cache = True
    name = "unicode_lower"


@compiles(unicode_lower)
def _lower(element: unicode_lower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(unicode_lower, "sqlite")
def _lower_on_sqlite(element: unicode_lower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


def contains_text(q: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Any of `columns` contains `q`, case-insensitively: unicode_lower(column) LIKE
    unicode_lower('%q%'), the expression the trigram indexes serve on PostgreSQL.

    The pattern is written into the statement (safely quoted by SQLAlchemy), not bound: with
    a bound pattern PostgreSQL may reuse a generic plan that cannot see it, and then walks a
    whole trigram index for a two-letter search (2.8 s instead of 0.6 s on 10^6 users,
    measured with bench/user_search.py).
    """
    pattern = unicode_lower(literal(f"%{escape_like(q)}%", literal_execute=True))
    return or_(*(unicode_lower(column).like(pattern, escape="\\") for column in columns))


def escape_like(text: str) -> str:
    """`text` as a literal part of a LIKE pattern with `\\` as the escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
