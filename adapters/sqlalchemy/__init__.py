"""SQLAlchemy Core adapters for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""
