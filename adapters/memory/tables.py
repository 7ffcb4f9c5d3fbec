"""In-memory tables, and what deleting an account does to each: the memory twin of the
foreign keys' ON DELETE CASCADE / SET NULL.

Each memory adapter declares the tables it keeps (`SESSIONS = MemoryTable("sessions",
owner="user_id", on_account_deleted=DELETE_ROWS)`); the unit of work applies every rule when
an account goes, so no central list names them. Bytes kept outside the database (files,
avatars) are not rows: their resource registers an account-deletion hook instead
(application.users.deletion.AccountDeletionHook), which runs on every backend.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any


class OnAccountDeleted(Enum):
    KEEP = "keep"  # rows do not name an account, or outlive it
    DELETE_ROWS = "delete rows"  # ON DELETE CASCADE
    NULL_OWNER = "null the owner"  # ON DELETE SET NULL


KEEP = OnAccountDeleted.KEEP
DELETE_ROWS = OnAccountDeleted.DELETE_ROWS
NULL_OWNER = OnAccountDeleted.NULL_OWNER

Rows = dict[uuid.UUID, Any]


@dataclass(frozen=True, slots=True)
class MemoryTable:
    name: str
    owner: str | None = None  # the field of a row that holds an account's id
    on_account_deleted: OnAccountDeleted = KEEP

    def __post_init__(self) -> None:
        if (self.owner is None) != (self.on_account_deleted is KEEP):
            raise ValueError(f"{self.name}: a cascade needs an owner field, and only it")

    def forget_account(self, rows: Rows, user_id: uuid.UUID) -> None:
        if self.owner is None:
            return
        owned = [key for key, row in rows.items() if getattr(row, self.owner) == user_id]
        for key in owned:
            if self.on_account_deleted is DELETE_ROWS:
                del rows[key]
            else:
                rows[key] = replace(rows[key], **{self.owner: None})
