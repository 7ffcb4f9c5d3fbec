"""Delivering the outbox on in-memory adapters: backoff, retries, leases."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapters.memory.email import InMemoryEmailSender
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from application.email_delivery import DEFAULT_LEASE, DeliverDueEmails, PruneEmailHistory
from domain.email_messages import EmailMessage
from domain.outbox import MAX_RETRY_DELAY, DeliveryRefused, QueuedEmail, retry_delay
from tests.support.clock import FakeClock


def test_first_retry_comes_within_five_seconds() -> None:
    assert timedelta(0) < retry_delay(1) <= timedelta(seconds=5)


def test_retries_back_off_exponentially_up_to_a_cap_under_a_minute() -> None:
    delays = [retry_delay(n) for n in range(1, 200)]
    assert delays[:5] == [timedelta(seconds=s) for s in (2, 4, 8, 16, 32)]
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert max(delays) == MAX_RETRY_DELAY <= timedelta(seconds=60)
    assert delays[-1] == MAX_RETRY_DELAY


class Outbox:
    """The delivery use case over an in-memory store, with a clock the test moves."""

    def __init__(self) -> None:
        self.store = InMemoryStore()
        self.clock = FakeClock()
        self.sender = InMemoryEmailSender()
        self.deliver = DeliverDueEmails(self.uow, self.sender, self.clock, batch_size=3)

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store, self.clock)

    async def enqueue(self, *recipients: str) -> None:
        async with self.uow() as uow:
            for to in recipients:
                await uow.outbox.enqueue(EmailMessage(to=to, subject="Hi", body="Hello"))
            await uow.commit()

    def rows(self) -> list[QueuedEmail]:
        return list(self.store.table("email_outbox").values())


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


async def test_due_messages_are_sent_once_and_marked_sent(outbox: Outbox) -> None:
    await outbox.enqueue("a@example.com", "b@example.com")
    assert await outbox.deliver() == 2
    assert sorted(m.to for m in outbox.sender.sent) == ["a@example.com", "b@example.com"]
    assert all(row.sent_at == outbox.clock.now() for row in outbox.rows())
    outbox.clock.advance(hours=1)
    assert await outbox.deliver() == 0
    assert len(outbox.sender.sent) == 2


async def test_a_batch_is_bounded_and_the_rest_follows(outbox: Outbox) -> None:
    await outbox.enqueue(*(f"u{i}@example.com" for i in range(5)))
    assert await outbox.deliver() == 3
    assert await outbox.deliver() == 2
    assert len({m.to for m in outbox.sender.sent}) == 5


async def test_a_failing_sender_leaves_the_message_due_again_after_the_backoff(
    outbox: Outbox,
) -> None:
    await outbox.enqueue("a@example.com")
    outbox.sender.failing = True
    assert await outbox.deliver() == 1
    [row] = outbox.rows()
    assert row.sent_at is None and row.attempts == 1
    assert row.last_error is not None and "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at == outbox.clock.now() + retry_delay(1)

    assert await outbox.deliver() == 0  # not due yet
    outbox.clock.advance(retry_delay(1))
    assert await outbox.deliver() == 1  # due again, fails again, waits longer
    [row] = outbox.rows()
    assert row.attempts == 2
    assert row.next_attempt_at == outbox.clock.now() + retry_delay(2)

    outbox.sender.failing = False
    outbox.clock.advance(retry_delay(2))
    assert await outbox.deliver() == 1
    assert [m.to for m in outbox.sender.sent] == ["a@example.com"]
    assert outbox.rows()[0].sent_at is not None


async def test_a_message_is_retried_for_as_long_as_it_takes(outbox: Outbox) -> None:
    await outbox.enqueue("a@example.com")
    outbox.sender.failing = True
    for _ in range(30):
        assert await outbox.deliver() == 1
        gap = outbox.rows()[0].next_attempt_at - outbox.clock.now()
        assert gap <= timedelta(seconds=60)
        outbox.clock.set(outbox.rows()[0].next_attempt_at)
    outbox.sender.failing = False
    assert await outbox.deliver() == 1
    assert len(outbox.sender.sent) == 1


async def test_a_claim_whose_sender_died_falls_due_when_the_lease_runs_out(
    outbox: Outbox,
) -> None:
    await outbox.enqueue("a@example.com")
    now = outbox.clock.now()
    async with outbox.uow() as uow:  # a claimer that never reports back
        [claimed] = await uow.outbox.claim_due(now, now + DEFAULT_LEASE, 10)
        await uow.commit()
    assert claimed.attempts == 1
    assert await outbox.deliver() == 0  # leased: nobody else takes it
    outbox.clock.advance(DEFAULT_LEASE)
    assert await outbox.deliver() == 1
    assert [m.to for m in outbox.sender.sent] == ["a@example.com"]
    assert outbox.rows()[0].attempts == 2


async def test_a_sender_that_hangs_is_cut_off_and_retried(outbox: Outbox) -> None:
    class HangingSender(InMemoryEmailSender):
        async def send(self, message: EmailMessage) -> None:
            await asyncio.sleep(60)

    deliver = DeliverDueEmails(outbox.uow, HangingSender(), outbox.clock, send_timeout=0.05)
    await outbox.enqueue("a@example.com")
    assert await deliver() == 1
    [row] = outbox.rows()
    assert row.sent_at is None and row.last_error is not None
    assert row.last_error.startswith("TimeoutError")


async def test_a_rolled_back_unit_of_work_queues_nothing(outbox: Outbox) -> None:
    with pytest.raises(RuntimeError):
        async with outbox.uow() as uow:
            await uow.outbox.enqueue(EmailMessage(to="a@example.com", subject="s", body="b"))
            raise RuntimeError("the change failed")
    assert outbox.rows() == []
    assert await outbox.deliver() == 0


class RefusingSender(InMemoryEmailSender):
    """Refuses the addresses in `refused` for good (a 5xx reply), accepts the rest."""

    def __init__(self, *refused: str) -> None:
        super().__init__()
        self.refused_addresses = set(refused)
        self.tries: list[str] = []
        self.sessions = 0

    async def send(self, message: EmailMessage) -> None:
        self.tries.append(message.to)
        if message.to in self.refused_addresses:
            raise DeliveryRefused("550 5.1.1 no such mailbox")
        await super().send(message)

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[InMemoryEmailSender]:
        self.sessions += 1
        yield self


async def test_a_refusal_for_good_is_marked_failed_counted_and_never_tried_again(
    outbox: Outbox, caplog
) -> None:
    outcomes: list[tuple[str, str]] = []
    sender = RefusingSender("gone@example.com")
    deliver = DeliverDueEmails(
        outbox.uow, sender, outbox.clock, on_outcome=lambda *o: outcomes.append(o)
    )
    await outbox.enqueue("gone@example.com", "here@example.com")
    assert await deliver() == 2
    failed = next(r for r in outbox.rows() if r.message.to == "gone@example.com")
    assert failed.failed_at == outbox.clock.now() and failed.sent_at is None
    assert "550" in failed.last_error
    assert sorted(outcomes) == [("generic", "failed"), ("generic", "sent")]
    assert "Hello" not in caplog.text and "550" in caplog.text  # logged without its body
    for _ in range(5):
        outbox.clock.advance(minutes=5)
        assert await deliver() == 0
    assert sender.tries.count("gone@example.com") == 1


async def test_a_batch_goes_through_one_session(outbox: Outbox) -> None:
    sender = RefusingSender()
    deliver = DeliverDueEmails(outbox.uow, sender, outbox.clock, batch_size=10)
    await outbox.enqueue(*(f"u{i}@example.com" for i in range(7)))
    assert await deliver() == 7
    assert sender.sessions == 1 and len(sender.sent) == 7


async def test_a_session_that_cannot_start_leaves_the_batch_due_again(outbox: Outbox) -> None:
    class Unreachable(InMemoryEmailSender):
        def session(self):  # type: ignore[override]
            raise ConnectionRefusedError("no mail server")

    await outbox.enqueue("a@example.com", "b@example.com")
    deliver = DeliverDueEmails(outbox.uow, Unreachable(), outbox.clock)
    assert await deliver() == 2
    assert all(r.sent_at is None and "no mail server" in r.last_error for r in outbox.rows())
    outbox.clock.advance(seconds=5)
    assert await outbox.deliver() == 2


async def test_the_history_is_pruned_after_the_retention(outbox: Outbox) -> None:
    await outbox.enqueue("old@example.com")
    await outbox.deliver()
    outbox.clock.advance(days=3)
    await outbox.enqueue("new@example.com", "waiting@example.com")
    outbox.sender.failing = False
    await DeliverDueEmails(outbox.uow, RefusingSender("waiting@example.com"), outbox.clock)()
    outbox.clock.advance(days=5)
    prune = PruneEmailHistory(outbox.uow, outbox.clock, timedelta(days=7), batch=1)
    assert await prune() == 1  # only what finished more than 7 days ago
    assert sorted(r.message.to for r in outbox.rows()) == ["new@example.com", "waiting@example.com"]
    outbox.clock.advance(days=3)
    assert await prune() == 2  # sent and failed alike, batch after batch
    assert outbox.rows() == []
