"""Order.place and Order.cancel: the rules, for random carts (no I/O)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidState, NotFound, PolicyViolation
from domain.money import Money
from domain.orders import LineRequest, Order, OrderStatus
from domain.products import Product

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CATALOGUE = [
    Product(
        name=f"P{i}",
        price=Money.of_cents(cents),
        stock=5,
        created_at=NOW,
        updated_at=NOW,
    )
    for i, cents in enumerate([1, 99, 1999, 100_000_000, 12_345])
]
PRODUCTS = {p.id: p for p in CATALOGUE}

carts = st.lists(
    st.builds(
        LineRequest,
        product_id=st.sampled_from([p.id for p in CATALOGUE]),
        quantity=st.integers(min_value=1, max_value=1000),
    ),
    min_size=1,
    max_size=50,
)


def place(requested) -> Order:
    return Order.place(user_id=uuid.uuid4(), requested=requested, products=PRODUCTS, now=NOW)


@given(carts)
def test_lines_are_merged_per_product_and_priced_exactly(requested) -> None:
    order = place(requested)
    wanted: dict[uuid.UUID, int] = {}
    for line in requested:
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    assert [line.product_id for line in order.lines] == list(wanted)  # first-seen order
    assert order.quantities() == dict(sorted(wanted.items()))
    for line in order.lines:
        product = PRODUCTS[line.product_id]
        assert (line.product_name, line.unit_price) == (product.name, product.price)
        assert line.line_total.cents == product.price.cents * line.quantity
    assert order.total.cents == sum(line.line_total.cents for line in order.lines)
    assert order.total == sum((line.line_total for line in order.lines), Money.zero())
    assert order.status is OrderStatus.PLACED and order.total.amount > 0


@given(carts)
def test_cancel_gives_back_exactly_what_was_ordered_once(requested) -> None:
    order = place(requested)
    assert order.cancel(NOW) == order.quantities()
    assert order.status is OrderStatus.CANCELLED
    with pytest.raises(InvalidState):
        order.cancel(NOW)


def test_prices_are_copied_so_a_later_change_does_not_touch_the_order() -> None:
    product = Product(name="Tea", price=Money.of_cents(500), created_at=NOW, updated_at=NOW)
    order = Order.place(
        user_id=uuid.uuid4(),
        requested=[LineRequest(product_id=product.id, quantity=2)],
        products={product.id: product},
        now=NOW,
    )
    product.change(NOW, name="Coffee", price=Money.of_cents(900))
    assert (order.lines[0].product_name, str(order.lines[0].unit_price)) == ("Tea", "5.00")
    assert str(order.total) == "10.00"


@pytest.mark.parametrize("count", [0, 51])
def test_an_order_has_one_to_fifty_lines(count: int) -> None:
    with pytest.raises(PolicyViolation):
        place([LineRequest(product_id=CATALOGUE[0].id, quantity=1)] * count)


@pytest.mark.parametrize("quantity", [0, -1, 1001, True])
def test_a_quantity_is_one_to_a_thousand(quantity) -> None:
    with pytest.raises(PolicyViolation):
        place([LineRequest(product_id=CATALOGUE[0].id, quantity=quantity)])


def test_an_unknown_or_inactive_product_is_not_found() -> None:
    with pytest.raises(NotFound):
        place([LineRequest(product_id=uuid.uuid4(), quantity=1)])
    hidden = Product(
        name="Old", price=Money.of_cents(1), is_active=False, created_at=NOW, updated_at=NOW
    )
    with pytest.raises(NotFound):
        Order.place(
            user_id=uuid.uuid4(),
            requested=[LineRequest(product_id=hidden.id, quantity=1)],
            products={hidden.id: hidden},
            now=NOW,
        )
