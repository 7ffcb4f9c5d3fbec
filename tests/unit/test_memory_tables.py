"""The memory twin of ON DELETE: each table's declared rule, applied by the unit of work."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from adapters.memory.tables import DELETE_ROWS, KEEP, NULL_OWNER, MemoryTable
from adapters.memory.work import Work
from application.ports.unit_of_work import check_repositories, repository_names
from tests.support.clock import FakeClock


@dataclass(frozen=True)
class Row:
    id: uuid.UUID
    owner_id: uuid.UUID | None


ANN, BOB = uuid.uuid4(), uuid.uuid4()


def rows(*owners: uuid.UUID) -> dict[uuid.UUID, Row]:
    made = [Row(uuid.uuid4(), owner) for owner in owners]
    return {row.id: row for row in made}


def test_delete_rows_takes_the_accounts_rows_only() -> None:
    table = rows(ANN, BOB, ANN)
    MemoryTable("t", owner="owner_id", on_account_deleted=DELETE_ROWS).forget_account(table, ANN)
    assert [row.owner_id for row in table.values()] == [BOB]


def test_null_owner_keeps_the_rows_without_their_owner() -> None:
    table = rows(ANN, BOB)
    MemoryTable("t", owner="owner_id", on_account_deleted=NULL_OWNER).forget_account(table, ANN)
    assert [row.owner_id for row in table.values()] == [None, BOB]


def test_keep_leaves_every_row() -> None:
    table = rows(ANN, BOB)
    MemoryTable("t").forget_account(table, ANN)
    assert [row.owner_id for row in table.values()] == [ANN, BOB]


@pytest.mark.parametrize(
    ("owner", "rule"), [(None, DELETE_ROWS), (None, NULL_OWNER), ("owner_id", KEEP)]
)
def test_a_rule_needs_an_owner_field_and_an_owner_field_a_rule(owner, rule) -> None:
    with pytest.raises(ValueError, match="owner"):
        MemoryTable("t", owner=owner, on_account_deleted=rule)


def test_the_work_applies_every_declared_tables_rule_and_commits_nothing_itself() -> None:
    committed = {"a": rows(ANN, BOB), "b": rows(ANN)}
    work = Work(committed, FakeClock())
    a = work.rows(MemoryTable("a", owner="owner_id", on_account_deleted=DELETE_ROWS))
    b = work.rows(MemoryTable("b", owner="owner_id", on_account_deleted=NULL_OWNER))
    work.forget_account(ANN)
    assert [row.owner_id for row in a.values()] == [BOB]
    assert [row.owner_id for row in b.values()] == [None]
    assert len(committed["a"]) == 2 and next(iter(committed["b"].values())).owner_id == ANN


def test_one_table_declared_two_ways_is_refused() -> None:
    work = Work({}, FakeClock())
    work.rows(MemoryTable("a"))
    with pytest.raises(ValueError, match="declared twice"):
        work.rows(MemoryTable("a", owner="owner_id", on_account_deleted=DELETE_ROWS))


def test_a_registry_that_misses_or_adds_a_repository_is_refused() -> None:
    check_repositories("complete", repository_names())
    with pytest.raises(TypeError, match=r"missing \['users'\]"):
        check_repositories("short", repository_names() - {"users"})
    with pytest.raises(TypeError, match=r"not in the port \['refunds'\]"):
        check_repositories("long", {*repository_names(), "refunds"})
