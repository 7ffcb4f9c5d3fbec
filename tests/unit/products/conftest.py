from __future__ import annotations

import pytest

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from tests.support.accounts import make_user
from tests.support.clock import FakeClock
from tests.support.shop import Shop


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def shop(store: InMemoryStore) -> Shop:
    clock = FakeClock()
    return Shop(lambda **_: InMemoryUnitOfWork(store, clock), clock)


@pytest.fixture
def admin():
    return make_user(is_superuser=True)


@pytest.fixture
def ann():
    return make_user()
