"""Migration 0003 on SQLite: undoing it keeps every account and login session."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from adapters.sqlalchemy.migrate import alembic_config, upgrade_to_head
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from tests.contract.backends import new_session, new_user
from tests.support.clock import FakeClock


async def test_downgrading_profiles_keeps_users_and_their_sessions(sqlite_url, engine_for) -> None:
    engine, clock = engine_for(sqlite_url), FakeClock()
    user = new_user(clock.now(), bio="Hello")
    async with SqlAlchemyUnitOfWork(engine, clock) as uow:
        await uow.users.add(user)
        await uow.sessions.add(new_session(user, clock.now()))
        await uow.commit()

    async with engine.connect() as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0002"))
        await conn.commit()
    async with engine.connect() as conn:
        columns = (await conn.execute(text("SELECT * FROM users"))).keys()
        counts = [
            (await conn.execute(text("SELECT count(*) FROM users"))).scalar_one(),
            (await conn.execute(text("SELECT count(*) FROM login_sessions"))).scalar_one(),
        ]
    assert "bio" not in columns and counts == [1, 1]

    await upgrade_to_head(engine)
    async with SqlAlchemyUnitOfWork(engine, clock) as uow:
        restored = await uow.users.get(user.id)
    assert restored is not None and restored.bio is None
