"""Raw asyncpg adapters, for the few reads so hot that SQLAlchemy's overhead shows."""
