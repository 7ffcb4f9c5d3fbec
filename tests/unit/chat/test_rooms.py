"""The room logic of one process, on the in-process broadcaster."""

from __future__ import annotations

import json
import uuid

from adapters.memory.chat import InProcessBroadcaster
from application.chat.rooms import GOING_AWAY, POLICY_VIOLATION, Rooms
from domain.chat import Author, ChatMessage, RoomEvent
from tests.support.clock import FakeClock

ANN = Author(id=uuid.uuid4(), name="Ann")
BOB = Author(id=uuid.uuid4(), name="Bob")


def render(event: RoomEvent) -> str:
    return json.dumps({"type": event.kind, "room": event.room, "user": event.user.name})


def frames(member) -> list[dict[str, str]]:
    out = []
    while not member.outbox.empty():
        out.append(json.loads(member.outbox.get_nowait()))
    return out


def said(room: str, author: Author) -> RoomEvent:
    return RoomEvent.said(ChatMessage.new(room, author, "hi", FakeClock().now()))


async def test_a_join_is_told_to_the_others_not_to_the_joiner() -> None:
    rooms = Rooms(InProcessBroadcaster(), render)
    ann = await rooms.join("lobby", ANN)
    bob = await rooms.join("lobby", BOB)

    assert frames(ann) == [{"type": "join", "room": "lobby", "user": "Bob"}]
    assert frames(bob) == []


async def test_the_same_user_twice_is_two_members() -> None:
    rooms = Rooms(InProcessBroadcaster(), render)
    first = await rooms.join("lobby", ANN)
    await rooms.join("lobby", ANN)
    assert frames(first) == [{"type": "join", "room": "lobby", "user": "Ann"}]
    assert len(rooms.members("lobby")) == 2


async def test_a_message_goes_to_every_member_of_its_room_only() -> None:
    broadcaster = InProcessBroadcaster()
    rooms = Rooms(broadcaster, render)
    ann, bob = await rooms.join("lobby", ANN), await rooms.join("lobby", BOB)
    elsewhere = await rooms.join("other", BOB)
    frames(ann)

    await broadcaster.publish(said("lobby", ANN))

    expected = [{"type": "message", "room": "lobby", "user": "Ann"}]
    assert frames(ann) == expected and frames(bob) == expected
    assert frames(elsewhere) == []


async def test_a_leave_is_told_to_the_others_once() -> None:
    rooms = Rooms(InProcessBroadcaster(), render)
    ann, bob = await rooms.join("lobby", ANN), await rooms.join("lobby", BOB)
    frames(ann)

    await rooms.leave(bob)
    await rooms.leave(bob)

    assert frames(ann) == [{"type": "leave", "room": "lobby", "user": "Bob"}]
    assert rooms.members("lobby") == [ann]
    await rooms.leave(ann)
    assert rooms.count() == 0


async def test_a_laggard_is_ended_and_does_not_hold_up_the_others() -> None:
    broadcaster = InProcessBroadcaster()
    rooms = Rooms(broadcaster, render, queue_size=4)
    slow, fast = await rooms.join("lobby", ANN), await rooms.join("lobby", BOB)

    for _ in range(10):
        await broadcaster.publish(said("lobby", ANN))
        frames(fast)  # this one keeps up

    assert slow.ended.is_set() and slow.close_code == POLICY_VIOLATION
    assert not fast.ended.is_set()
    assert slow.outbox.qsize() == 4  # nothing more was queued for it, and nobody waited


async def test_closing_ends_every_member_as_going_away() -> None:
    rooms = Rooms(InProcessBroadcaster(), render)
    members = [await rooms.join("a", ANN), await rooms.join("b", BOB)]

    await rooms.close()

    assert [member.close_code for member in members] == [GOING_AWAY, GOING_AWAY]


async def test_the_first_reason_to_end_is_kept() -> None:
    rooms = Rooms(InProcessBroadcaster(), render)
    member = await rooms.join("a", ANN)
    member.end(POLICY_VIOLATION, "flood")
    member.end(GOING_AWAY, "shutdown")
    assert (member.close_code, member.close_reason) == (POLICY_VIOLATION, "flood")
