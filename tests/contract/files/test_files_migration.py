"""The files migration on SQLite and PostgreSQL: it builds the table the adapters use, and
undoing it removes that table and nothing else."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from adapters.sqlalchemy.migrate import alembic_config, upgrade_to_head
from adapters.sqlalchemy.tables import metadata


def _differences(sync_connection) -> list:  # type: ignore[no-untyped-def, type-arg]
    context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
    return [
        diff
        for diff in compare_metadata(context, metadata)
        if "files" in repr(diff) and "chat" not in repr(diff)
    ]


async def test_the_migrated_files_table_is_the_one_the_adapters_use(
    sql_database_url, engine_for
) -> None:
    engine = engine_for(sql_database_url)
    async with engine.connect() as conn:
        assert await conn.run_sync(_differences) == []
        indexes = await conn.run_sync(
            lambda s: {i["name"] for i in inspect(s).get_indexes("files")}
        )
    assert {"ix_files_owner_id_created_at_id", "ix_files_created_at_id"} <= indexes


async def test_undoing_the_files_migration_drops_only_its_table(
    sql_database_url, engine_for
) -> None:
    engine = engine_for(sql_database_url)
    script = ScriptDirectory.from_config(alembic_config())
    [files_revision] = [r for r in script.walk_revisions() if r.path.endswith("_files.py")]
    before = files_revision.down_revision
    # Later migrations come and go with it: compare the schema just before and just after it.
    async with engine.connect() as conn:
        await conn.run_sync(lambda s: command.downgrade(alembic_config(s), str(before)))
        await conn.commit()
        after = await conn.run_sync(lambda s: set(inspect(s).get_table_names()))
        await conn.run_sync(lambda s: command.upgrade(alembic_config(s), files_revision.revision))
        await conn.commit()
        tables = await conn.run_sync(lambda s: set(inspect(s).get_table_names()))
    assert tables - after == {"files"}
    assert "users" in after
    await upgrade_to_head(engine)
    async with engine.connect() as conn:
        assert "files" in await conn.run_sync(lambda s: inspect(s).get_table_names())
