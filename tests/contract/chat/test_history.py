"""The chat history repository on every backend: order, keyset, pruning, the cascade."""

from __future__ import annotations

from datetime import timedelta

from domain.chat import Author, ChatMessage
from tests.contract.backends import Backend


async def send(backend: Backend, author: Author, text: str, room: str = "lobby") -> ChatMessage:
    message = ChatMessage.new(room, author, text, backend.clock.now())
    async with backend.uow() as uow:
        await uow.chat.add(message)
        await uow.commit()
    return message


async def test_history_is_newest_first_then_id_desc_with_keyset(backend: Backend) -> None:
    user = await backend.add_user(name="Ann")
    ann = Author(id=user.id, name="Ann")
    sent = []
    for n in range(6):
        sent.append(await send(backend, ann, f"m{n}"))
        if n % 2:  # pairs share an instant: the id decides
            backend.clock.advance(seconds=1)
    await send(backend, ann, "elsewhere", room="other")
    newest_first = sorted(sent, key=lambda m: (m.sent_at, m.id), reverse=True)

    async with backend.uow() as uow:
        assert await uow.chat.count("lobby") == 6
        assert await uow.chat.list("lobby", limit=10) == newest_first
        assert await uow.chat.list("lobby", limit=2, offset=2) == newest_first[2:4]
        last = newest_first[2]
        after = await uow.chat.list("lobby", limit=10, after=(last.sent_at, last.id))
        assert after == newest_first[3:]
        assert await uow.chat.get(sent[0].id) == sent[0]


async def test_the_author_name_is_read_as_it_is_now(backend: Backend) -> None:
    user = await backend.add_user(name="Ann")
    message = await send(backend, Author(id=user.id, name="Ann"), "hi")
    async with backend.uow() as uow:
        stored = await uow.users.get(user.id)
        stored.change_details(name="Annie", now=backend.clock.now())
        await uow.users.update(stored)
        await uow.commit()
    async with backend.uow() as uow:
        assert (await uow.chat.get(message.id)).user.name == "Annie"


async def test_messages_older_than_the_cutoff_are_pruned(backend: Backend) -> None:
    user = await backend.add_user()
    author = Author(id=user.id, name=user.name)
    old = await send(backend, author, "old")
    backend.clock.advance(timedelta(days=1))
    kept = await send(backend, author, "kept")
    async with backend.uow() as uow:
        assert await uow.chat.delete_sent_before(kept.sent_at) == 1
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.chat.get(old.id) is None
        assert await uow.chat.list("lobby", limit=5) == [kept]


async def test_deleting_an_account_deletes_its_messages(backend: Backend) -> None:
    gone, stays = await backend.add_user(), await backend.add_user()
    theirs = await send(backend, Author(id=gone.id, name=gone.name), "bye")
    mine = await send(backend, Author(id=stays.id, name=stays.name), "hi")
    async with backend.uow() as uow:
        await uow.users.delete(gone.id)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.chat.get(theirs.id) is None
        assert await uow.chat.list("lobby", limit=5) == [mine]
