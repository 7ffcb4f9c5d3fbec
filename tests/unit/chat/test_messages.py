"""Sending, listing and pruning messages, on the memory backend."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.chat import InProcessBroadcaster
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.signing import HmacSigner
from application.chat.messages import ListMessages, PruneMessages, SendMessage
from application.pagination import PageRequest, Paginator
from domain.chat import Author, InvalidRoom, MalformedFrame
from tests.contract.backends import new_user
from tests.support.clock import FakeClock


@pytest.fixture
async def world():
    clock, store = FakeClock(), InMemoryStore()

    def uow(*, read_only: bool = False) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(store, clock)

    user = new_user(clock.now(), name="Ann")
    async with uow() as unit:
        await unit.users.add(user)
        await unit.commit()
    broadcaster, heard = InProcessBroadcaster(), []
    await broadcaster.start(heard.append)
    return clock, uow, broadcaster, heard, Author(id=user.id, name=user.name)


async def test_a_message_is_stored_before_it_is_broadcast(world) -> None:
    clock, uow, broadcaster, _, ann = world
    store = uow()._store
    stored_when_heard = []
    await broadcaster.start(
        lambda event: stored_when_heard.append(event.message.id in store.table("chat_messages"))
    )

    message = await SendMessage(uow, broadcaster, clock)("lobby", ann, "  hello ")

    assert message.text == "hello" and message.user == ann
    assert stored_when_heard == [True]


async def test_nothing_is_stored_or_broadcast_for_a_bad_text_or_room(world) -> None:
    clock, uow, broadcaster, heard, ann = world
    send = SendMessage(uow, broadcaster, clock)
    with pytest.raises(MalformedFrame):
        await send("lobby", ann, " ")
    with pytest.raises(InvalidRoom):
        await send("Lobby", ann, "hi")
    assert heard == []


async def test_history_is_newest_first_with_cursors(world) -> None:
    clock, uow, broadcaster, _, ann = world
    send = SendMessage(uow, broadcaster, clock)
    sent = []
    for n in range(5):
        sent.append(await send("lobby", ann, f"m{n}"))
        if n != 2:  # two messages share one instant: id desc decides
            clock.advance(seconds=1)
    await send("other", ann, "elsewhere")
    listing = ListMessages(uow, Paginator(HmacSigner(secret_key="k" * 40, purpose="c")))

    first = await listing("lobby", PageRequest(size=2))
    second = await listing("lobby", PageRequest(size=2, cursor=first.next_cursor))
    third = await listing("lobby", PageRequest(size=2, cursor=second.next_cursor))

    expected = sorted(sent, key=lambda m: (m.sent_at, m.id), reverse=True)
    assert [*first.items, *second.items, *third.items] == expected
    assert (first.total, first.pages, third.next_cursor) == (5, 3, None)


async def test_pruning_removes_what_is_older_than_the_history_keeps(world) -> None:
    clock, uow, broadcaster, _, ann = world
    send = SendMessage(uow, broadcaster, clock)
    old = await send("lobby", ann, "old")
    clock.advance(days=30)
    kept = await send("lobby", ann, "kept")
    clock.advance(timedelta(seconds=1))

    assert await PruneMessages(uow, clock, days=30)() == 1
    async with uow() as unit:
        assert await unit.chat.get(old.id) is None
        assert await unit.chat.get(kept.id) == kept
