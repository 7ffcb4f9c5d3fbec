"""Idempotent order placement on the memory adapters: one effect per user and key."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta

import pytest

from application.errors import BackendUnavailable
from application.idempotency import Replayed
from domain.errors import (
    DomainError,
    IdempotencyKeyReused,
    InsufficientStock,
    PolicyViolation,
    RequestInProgress,
)
from domain.idempotency import CLAIM_LEASE, RETENTION, StoredResponse
from domain.orders import Order
from tests.support.accounts import make_user
from tests.support.shop import requests


class Renderer:
    def success(self, value: Order) -> StoredResponse:
        return StoredResponse(status=201, body=json.dumps({"id": str(value.id)}))

    def failure(self, error: DomainError) -> StoredResponse | None:
        if isinstance(error, BackendUnavailable):
            return None
        return StoredResponse(status=409, body=json.dumps({"code": error.code}))


async def place(shop, actor, key, *lines):
    return await shop.place_order.idempotently(actor, requests(*lines), key, Renderer())


def records(store) -> dict:
    return store.table("idempotency_keys")


async def test_a_retry_gets_the_first_response_and_takes_nothing_twice(
    shop, store, admin, ann
) -> None:
    tea = await shop.product(admin, stock=10)
    first = await place(shop, ann, "k-1", (tea, 2))
    assert isinstance(first, Order)
    again = await place(shop, ann, "k-1", (tea, 2))
    assert again == Replayed(response=Renderer().success(first))
    assert await shop.stock(tea.id) == 8 and len(store.table("orders")) == 1
    assert len(store.table("email_outbox")) == 1


async def test_the_same_key_with_another_body_is_refused(shop, admin, ann) -> None:
    tea = await shop.product(admin, stock=10)
    await place(shop, ann, "k", (tea, 2))
    with pytest.raises(IdempotencyKeyReused):
        await place(shop, ann, "k", (tea, 3))
    assert await shop.stock(tea.id) == 8


async def test_keys_of_different_users_never_collide(shop, admin, ann) -> None:
    tea = await shop.product(admin, stock=10)
    bob = make_user()
    assert isinstance(await place(shop, ann, "k", (tea, 1)), Order)
    assert isinstance(await place(shop, bob, "k", (tea, 1)), Order)
    assert await shop.stock(tea.id) == 8


async def test_concurrent_twins_do_the_work_once(shop, store, admin, ann) -> None:
    tea = await shop.product(admin, stock=10)
    results = await asyncio.gather(
        *(place(shop, ann, "twin", (tea, 1)) for _ in range(20)), return_exceptions=True
    )
    orders = [r for r in results if isinstance(r, Order)]
    assert len(orders) == 1
    assert all(isinstance(r, Order | Replayed | RequestInProgress) for r in results)
    assert await shop.stock(tea.id) == 9 and len(store.table("orders")) == 1


async def test_a_twin_still_at_work_is_in_progress_until_its_lease_runs_out(
    shop, store, admin, ann
) -> None:
    tea = await shop.product(admin, stock=10)
    async with shop.uow() as uow:  # a claimer that died after claiming
        await uow.idempotency.insert_claim(
            ann.id,
            "k",
            _fingerprint(tea),
            uuid.uuid4(),
            shop.clock.now(),
            shop.clock.now() + CLAIM_LEASE,
        )
        await uow.commit()
    with pytest.raises(RequestInProgress):
        await place(shop, ann, "k", (tea, 1))
    shop.clock.advance(CLAIM_LEASE)
    assert isinstance(await place(shop, ann, "k", (tea, 1)), Order)
    assert await shop.stock(tea.id) == 9


async def test_a_refusal_is_kept_and_replayed_too(shop, store, admin, ann) -> None:
    tea = await shop.product(admin, stock=1)
    with pytest.raises(InsufficientStock):
        await place(shop, ann, "k", (tea, 2))
    replay = await place(shop, ann, "k", (tea, 2))
    assert replay == Replayed(
        response=StoredResponse(status=409, body='{"code": "insufficient_stock"}')
    )


async def test_a_failure_that_is_not_kept_lets_the_retry_do_the_work(
    shop, store, admin, ann, monkeypatch
) -> None:
    tea = await shop.product(admin, stock=5)

    async def unavailable(*_args, **_kwargs):
        raise BackendUnavailable()

    with monkeypatch.context() as patched:
        patched.setattr(type(shop.place_order), "_place", unavailable)
        with pytest.raises(BackendUnavailable):
            await place(shop, ann, "k", (tea, 1))
    assert records(store) == {}
    assert isinstance(await place(shop, ann, "k", (tea, 1)), Order)


async def test_keys_expire_after_a_day_and_are_pruned(shop, store, admin, ann) -> None:
    tea = await shop.product(admin, stock=5)
    await place(shop, ann, "k", (tea, 1))
    shop.clock.advance(RETENTION)
    assert isinstance(await place(shop, ann, "k", (tea, 3)), Order)  # a new request now
    assert await shop.stock(tea.id) == 1
    shop.clock.advance(RETENTION + timedelta(seconds=1))
    async with shop.uow() as uow:
        assert await uow.idempotency.prune(shop.clock.now() - RETENTION) == 1
        await uow.commit()
    assert records(store) == {}


@pytest.mark.parametrize("key", ["", "with space", "é", "x" * 256, "tab\t"])
async def test_a_malformed_key_is_refused(shop, admin, ann, key) -> None:
    tea = await shop.product(admin, stock=5)
    with pytest.raises(PolicyViolation):
        await place(shop, ann, key, (tea, 1))


def _fingerprint(product) -> str:
    from application.orders import order_fingerprint

    return order_fingerprint(requests((product, 1)))
