from __future__ import annotations

import pytest

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from domain.users import User
from tests.support.accounts import make_user
from tests.support.clock import FakeClock
from tests.support.items import Items


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def items(store: InMemoryStore) -> Items:
    clock = FakeClock()
    return Items(lambda **_: InMemoryUnitOfWork(store, clock), clock)


@pytest.fixture
def ann() -> User:
    return make_user()


@pytest.fixture
def bob() -> User:
    return make_user()


@pytest.fixture
def admin() -> User:
    return make_user(is_superuser=True)
