"""The Broadcaster port, on both adapters: in-process (one process) and PostgreSQL
LISTEN/NOTIFY (processes are played by separate broadcasters, each on its own connection)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg
import pytest

from adapters.asyncpg.chat import MAX_PAYLOAD_BYTES, PostgresBroadcaster, encode
from adapters.memory.chat import InProcessBroadcaster
from application.errors import BackendUnavailable
from application.ports.chat import Broadcaster
from domain.chat import MAX_TEXT_LENGTH, Author, ChatMessage, RoomEvent
from domain.users import MAX_NAME_LENGTH
from tests.contract.backends import Backend, open_backend
from tests.support.clock import FakeClock

LARGEST_TEXT = "\N{GRINNING FACE}" * MAX_TEXT_LENGTH  # four bytes each in UTF-8


@dataclass
class Heard:
    events: list[RoomEvent] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, event: RoomEvent) -> None:
        self.events.append(event)
        self.arrived.set()

    async def at_least(self, count: int) -> list[RoomEvent]:
        async with asyncio.timeout(5):
            while len(self.events) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.events


@dataclass
class Processes:
    """What one test needs: the backend (messages are stored before they are broadcast) and
    a way to make the broadcaster of one more process."""

    backend: Backend
    make: Callable[[], Broadcaster]
    shared: bool  # True when every "process" is the one in-process broadcaster


# The database URL is resolved in a plain fixture: the PostgreSQL one is itself async.
@pytest.fixture(params=["in-process", "postgres"])
def adapter(request: pytest.FixtureRequest, database_url_for) -> tuple[str, str]:
    if request.param == "in-process":
        return request.param, "memory://"
    return request.param, database_url_for("postgres")


@pytest.fixture
async def processes(adapter: tuple[str, str]) -> AsyncIterator[Processes]:
    kind, url = adapter
    made: list[Broadcaster] = []
    if kind == "in-process":
        single = InProcessBroadcaster()
        async with open_backend("memory", "memory://", FakeClock()) as backend:
            yield Processes(backend, lambda: single, shared=True)
        return

    def make() -> Broadcaster:
        made.append(PostgresBroadcaster(url, timeout=5.0, check_interval=0.5))
        return made[-1]

    async with open_backend("postgres", url, FakeClock()) as backend:
        try:
            yield Processes(backend, make, shared=False)
        finally:
            for broadcaster in made:
                await broadcaster.close()


async def stored_message(backend: Backend, text: str, room: str = "lobby") -> ChatMessage:
    user = await backend.add_user(name="\N{GRINNING FACE}" * MAX_NAME_LENGTH)
    message = ChatMessage.new(room, Author(id=user.id, name=user.name), text, backend.clock.now())
    async with backend.uow() as uow:
        await uow.chat.add(message)
        await uow.commit()
    return message


async def listening(processes: Processes, count: int) -> tuple[list[Broadcaster], list[Heard]]:
    if processes.shared:  # one process: one listener hears everything
        count = 1
    broadcasters, heard = [], []
    for _ in range(count):
        broadcaster, ears = processes.make(), Heard()
        await broadcaster.start(ears)
        broadcasters.append(broadcaster)
        heard.append(ears)
    return broadcasters, heard


async def test_a_message_reaches_every_process_once_the_publisher_included(
    processes: Processes,
) -> None:
    (first, *_), heard = await listening(processes, 3)
    message = await stored_message(processes.backend, "hello")

    await first.publish(RoomEvent.said(message))

    for ears in heard:
        (event,) = await ears.at_least(1)
        assert event.message == message
        assert event.kind == "message" and event.room == "lobby"
    await asyncio.sleep(0.2)
    assert all(len(ears.events) == 1 for ears in heard)


async def test_the_largest_message_gets_through_whole(processes: Processes) -> None:
    (publisher, *_), heard = await listening(processes, 2)
    message = await stored_message(processes.backend, LARGEST_TEXT)
    assert len(message.text.encode()) == 4 * MAX_TEXT_LENGTH  # 8,000 bytes: no NOTIFY fits it

    await publisher.publish(RoomEvent.said(message))

    for ears in heard:
        (event,) = await ears.at_least(1)
        assert event.message == message
        assert event.message.text == LARGEST_TEXT
        assert event.user.name == message.user.name


async def test_joins_and_leaves_carry_the_member_and_their_connection(
    processes: Processes,
) -> None:
    (publisher, *_), heard = await listening(processes, 2)
    user = Author(id=uuid.uuid4(), name="\N{GRINNING FACE}" * MAX_NAME_LENGTH)
    connection = uuid.uuid4()

    await publisher.publish(RoomEvent.joined("room-1", user, connection))
    await publisher.publish(RoomEvent.left("room-1", user, connection))

    for ears in heard:
        joined, left = await ears.at_least(2)
        assert (joined.kind, left.kind) == ("join", "leave")
        assert joined == RoomEvent.joined("room-1", user, connection)
        assert left == RoomEvent.left("room-1", user, connection)


async def test_each_publisher_s_events_arrive_in_the_order_it_sent_them(
    processes: Processes,
) -> None:
    broadcasters, heard = await listening(processes, 2)
    user = Author(id=uuid.uuid4(), name="Ann")
    # Every fifth message is too large to send whole: read back by id, still in order.
    messages = [
        await stored_message(processes.backend, LARGEST_TEXT if n % 5 == 0 else f"n{n}")
        for n in range(30)
    ]
    for n, message in enumerate(messages):
        await broadcasters[n % len(broadcasters)].publish(RoomEvent.said(message))
    await broadcasters[0].publish(RoomEvent.left("lobby", user, uuid.uuid4()))

    for ears in heard:
        events = await ears.at_least(31)
        assert [event.message for event in events[:30]] == messages


async def test_a_lost_listener_connection_comes_back_by_itself(postgres_url: str) -> None:
    async with open_backend("postgres", postgres_url, FakeClock()) as backend:
        publisher = PostgresBroadcaster(postgres_url, timeout=5.0, check_interval=0.5)
        listener = PostgresBroadcaster(postgres_url, timeout=5.0, check_interval=0.5)
        ears = Heard()
        try:
            await publisher.start(Heard())
            await listener.start(ears)
            admin = await asyncpg.connect(postgres_url.replace("+asyncpg", ""))
            try:
                killed = await admin.fetchval(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 'hexapi-chat' AND datname = current_database()"
                )
            finally:
                await admin.close()
            assert killed >= 2
            message = await stored_message(backend, "after the outage")

            async def publish_until_heard() -> None:
                while not ears.events:
                    with contextlib.suppress(BackendUnavailable):  # still reconnecting
                        await publisher.publish(RoomEvent.said(message))
                    await asyncio.sleep(0.2)

            async with asyncio.timeout(10):
                await publish_until_heard()
            assert ears.events[0].message == message
            assert listener.reconnections >= 1 and publisher.reconnections >= 1
        finally:
            await publisher.close()
            await listener.close()


def test_a_notify_payload_never_exceeds_the_postgresql_limit() -> None:
    author = Author(id=uuid.uuid4(), name="\N{GRINNING FACE}" * MAX_NAME_LENGTH)
    for text in ("a", "\N{GRINNING FACE}" * 1500, LARGEST_TEXT, '"\\' * 1000):
        message = ChatMessage.new("r", author, text, datetime.now(UTC))
        assert len(encode(RoomEvent.said(message)).encode()) <= MAX_PAYLOAD_BYTES
    assert len(encode(RoomEvent.joined("r" * 64, author, uuid.uuid4())).encode()) < 1000
