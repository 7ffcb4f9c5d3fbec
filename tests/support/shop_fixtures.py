"""Fixtures of the shop's unit tests (products and orders): the use cases over one in-memory
store, an administrator and a customer. Each conftest imports them."""

from __future__ import annotations

import pytest

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from domain.users import User
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
def admin() -> User:
    return make_user(is_superuser=True)


@pytest.fixture
def ann() -> User:
    return make_user()
