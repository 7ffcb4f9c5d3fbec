"""The schema as SQLAlchemy Core tables. Alembic migrations create it; this mirrors them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    and_,
    func,
)

from adapters.sqlalchemy.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("hashed_password", String(255), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("is_superuser", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("password_changed_at", UtcDateTime, nullable=False),
    Column("bio", String(2000), nullable=True),
    Column("avatar_key", String(100), nullable=True),
    Column("avatar_content_type", String(32), nullable=True),
    Column("avatar_updated_at", UtcDateTime, nullable=True),
)

login_sessions = Table(
    "login_sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("refresh_token_id", Uuid, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
)

Index("ix_users_created_at_id", users.c.created_at, users.c.id)

# Failed logins (and logins in progress), one row each, counted per key over a sliding window
# by adapters.sqlalchemy.rate_limiter. The key is a SHA-256 of the normalised e-mail: fixed
# length whatever a client sends, and no plain addresses of strangers kept.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("key_hash", String(64), nullable=False),
    Column("failed_at", UtcDateTime, nullable=False),
)
Index("ix_login_failures_key_hash_failed_at", login_failures.c.key_hash, login_failures.c.failed_at)
Index("ix_login_failures_failed_at", login_failures.c.failed_at)
# The last-superuser check locks exactly these rows; a partial index finds them at once.
Index(
    "ix_users_active_superusers",
    users.c.id,
    postgresql_where=and_(users.c.is_superuser, users.c.is_active),
    sqlite_where=and_(users.c.is_superuser == 1, users.c.is_active == 1),
)
# Substring search (`q`) on PostgreSQL: trigram GIN indexes serve lower(col) LIKE '%q%'.
Index(
    "ix_users_email_trgm",
    func.lower(users.c.email).label("lower_email"),
    postgresql_using="gin",
    postgresql_ops={"lower_email": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
Index(
    "ix_users_name_trgm",
    func.lower(users.c.name).label("lower_name"),
    postgresql_using="gin",
    postgresql_ops={"lower_name": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")

email_outbox = Table(
    "email_outbox",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("last_error", String(255), nullable=True),
)
# Only unsent messages are ever looked for, so sent ones stay out of the index.
Index(
    "ix_email_outbox_next_attempt_at",
    email_outbox.c.next_attempt_at,
    postgresql_where=email_outbox.c.sent_at.is_(None),
    sqlite_where=email_outbox.c.sent_at.is_(None),
)

password_reset_tokens = Table(
    "password_reset_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
)
