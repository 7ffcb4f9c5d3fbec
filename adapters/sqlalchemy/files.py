"""File rows on the unit of work's connection (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Uuid, bindparam, delete, func, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement

from adapters.sqlalchemy.tables.files import files
from adapters.sqlalchemy.types import UtcDateTime
from application.ports.files import FileRepository, NewestFirstKey
from domain.files import StoredFile

_f = files.c
_INSERT = insert(files)  # its values bound per call, see items.py
_COLUMNS = [c.name for c in files.columns]
# The sweep asks about keys in batches; this keeps one statement's parameters well below
# SQLite's and asyncpg's limits.
_KEYS_PER_QUERY = 500


def file_from_row(row: Mapping[Any, Any]) -> StoredFile:
    return StoredFile(**{name: row[name] for name in _COLUMNS})


def _owned_by(owner_id: uuid.UUID | None) -> list[ColumnElement[bool]]:
    return [] if owner_id is None else [_f.owner_id == owner_id]


class SqlAlchemyFileRepository(FileRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, file: StoredFile) -> None:
        await self._conn.execute(_INSERT, {name: getattr(file, name) for name in _COLUMNS})

    async def get(self, file_id: uuid.UUID) -> StoredFile | None:
        row = (await self._conn.execute(select(files).where(_f.id == file_id))).mappings().first()
        return file_from_row(row) if row else None

    async def delete(self, file_id: uuid.UUID) -> StoredFile | None:
        # RETURNING: of two concurrent deletions, the one whose statement removed the row
        # gets it back, the other gets nothing.
        result = await self._conn.execute(delete(files).where(_f.id == file_id).returning(files))
        row = result.mappings().first()
        return file_from_row(row) if row else None

    async def search(
        self,
        owner_id: uuid.UUID | None,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[StoredFile]:
        conditions = _owned_by(owner_id)
        if after is not None:
            conditions.append(
                tuple_(_f.created_at, _f.id)
                < tuple_(
                    bindparam("after_created_at", after[0], type_=UtcDateTime),
                    bindparam("after_id", after[1], type_=Uuid),
                )
            )
        statement = (
            select(files)
            .where(*conditions)
            .order_by(_f.created_at.desc(), _f.id.desc())
            .limit(limit)
            .offset(offset)
        )
        result = await self._conn.execute(statement)
        return [file_from_row(row) for row in result.mappings()]

    async def count(self, owner_id: uuid.UUID | None) -> int:
        statement = select(func.count()).select_from(files).where(*_owned_by(owner_id))
        return int((await self._conn.execute(statement)).scalar_one())

    async def keys_of_owner(self, owner_id: uuid.UUID) -> list[str]:
        result = await self._conn.execute(
            select(_f.storage_key).where(_f.owner_id == owner_id).order_by(_f.storage_key)
        )
        return list(result.scalars())

    async def known_keys(self, keys: Collection[str]) -> set[str]:
        wanted = sorted(set(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), _KEYS_PER_QUERY):
            batch = wanted[start : start + _KEYS_PER_QUERY]
            result = await self._conn.execute(
                select(_f.storage_key).where(_f.storage_key.in_(batch))
            )
            found.update(result.scalars())
        return found
