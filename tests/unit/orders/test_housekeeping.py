"""Every worker prunes idempotency keys past their 24 hours, and survives a failing chore."""

from __future__ import annotations

from datetime import timedelta

from entrypoints.housekeeping import Housekeeping
from tests.support.accounts import register_superuser
from tests.support.shop import requests
from tests.unit.orders.test_idempotent_orders import Renderer


async def test_expired_keys_are_pruned_and_fresh_ones_kept(core) -> None:
    admin = await register_superuser(core.container)
    ann = await core.register()
    tea = await core.container.products.create_product()(admin, _tea())
    place = core.container.orders.place_order()
    await place.idempotently(ann, requests((tea, 1)), "old", Renderer())
    core.clock.advance(hours=23)
    await place.idempotently(ann, requests((tea, 1)), "fresh", Renderer())
    core.clock.advance(hours=1, seconds=1)
    await core.container.housekeeping().run_once()
    keys = core.container.core.memory_store().table("idempotency_keys")
    assert [key for _user, key in keys] == ["fresh"]


async def test_a_failing_chore_is_logged_and_the_others_still_run(caplog) -> None:
    ran = []

    async def broken() -> int:
        raise ConnectionError("database away")

    async def fine() -> int:
        ran.append(True)
        return 3

    await Housekeeping([broken, fine], interval=timedelta(days=1).total_seconds()).run_once()
    assert ran == [True]
    assert "database away" in caplog.text


def _tea():
    from application.products import NewProduct
    from domain.money import parse_price

    return NewProduct(name="Tea", price=parse_price("1"), stock=10)
