"""The delivery loop: wakes on commit, survives outages quietly, stops promptly."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from dependency_injector import providers

from adapters.clock import SystemClock
from adapters.memory.email import InMemoryEmailSender
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from application.auth.registration import NewAccount
from application.email_delivery import DeliverDueEmails
from domain.email_messages import EmailMessage
from entrypoints.containers import build_container, close_container
from entrypoints.email_worker import EmailDeliveryLoop, Wakeup
from tests.conftest import cheap_hasher, settings_for
from tests.support.mail import eventually


class StubDelivery:
    """Fails while `failures` is positive, then reports an empty outbox; counts its calls."""

    batch_size = 10

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    async def __call__(self) -> int:
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            raise self.error
        return 0


async def test_a_commit_with_mail_wakes_the_loop_long_before_its_next_poll() -> None:
    store, wakeup, sender = InMemoryStore(), Wakeup(), InMemoryEmailSender()

    def uow() -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(store, on_mail_committed=wakeup.ring)

    loop = EmailDeliveryLoop(DeliverDueEmails(uow, sender, SystemClock()), wakeup, poll_interval=30)
    loop.start()
    try:
        await asyncio.sleep(0.05)  # the first pass has run; the loop now waits up to 30 s
        started = time.monotonic()
        async with uow() as work:
            await work.outbox.enqueue(EmailMessage(to="a@example.com", subject="s", body="b"))
            await work.commit()
        await eventually(lambda: sender.sent, within=2)
        assert time.monotonic() - started < 1
    finally:
        await loop.stop()


async def test_an_outage_is_logged_once_without_a_traceback_and_the_loop_carries_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stub = StubDelivery(failures=4, error=ConnectionRefusedError("database is down"))
    loop = EmailDeliveryLoop(stub, Wakeup(), poll_interval=0.01, max_pause=0.02)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="hexapi.email"):
        loop.start()
        try:
            await eventually(lambda: stub.calls >= 6, within=3)
        finally:
            await loop.stop()
    lines = [r for r in caplog.records if r.name == "hexapi.email"]
    paused = [r for r in lines if "paused" in r.getMessage()]
    assert len(paused) == 1 and paused[0].exc_info is None
    assert "database is down" in paused[0].getMessage()
    assert any("resumed" in r.getMessage() for r in lines)


async def test_an_unexpected_error_is_logged_with_its_traceback_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stub = StubDelivery(failures=3, error=KeyError("bug"))
    loop = EmailDeliveryLoop(stub, Wakeup(), poll_interval=0.01, max_pause=0.02)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="hexapi.email"):
        loop.start()
        try:
            await eventually(lambda: stub.calls >= 5, within=3)
        finally:
            await loop.stop()
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1


async def test_stop_returns_promptly_even_in_the_middle_of_a_hanging_pass() -> None:
    class Hanging:
        batch_size = 10

        async def __call__(self) -> int:
            await asyncio.sleep(3600)
            return 0

    loop = EmailDeliveryLoop(Hanging(), Wakeup(), stop_grace=0.1)  # type: ignore[arg-type]
    loop.start()
    await asyncio.sleep(0.02)
    started = time.monotonic()
    await loop.stop()
    assert time.monotonic() - started < 1


async def test_stop_of_an_idle_loop_does_not_wait_for_the_poll_interval() -> None:
    stub = StubDelivery(failures=0, error=RuntimeError())
    loop = EmailDeliveryLoop(stub, Wakeup(), poll_interval=3600)  # type: ignore[arg-type]
    loop.start()
    await eventually(lambda: stub.calls >= 1)
    started = time.monotonic()
    await loop.stop()
    assert time.monotonic() - started < 0.5


async def test_the_composition_root_wires_commits_to_the_wakeup(tmp_path) -> None:
    container = build_container(settings_for("memory://", tmp_path, email_backend="memory"))
    container.core.hasher.override(providers.Singleton(cheap_hasher))
    loop = EmailDeliveryLoop(
        container.email.deliver_due_emails(), container.core.email_wakeup(), poll_interval=30
    )
    loop.start()
    try:
        await asyncio.sleep(0.05)
        started = time.monotonic()
        account = NewAccount(email="ann@example.com", name="Ann", password="Correct-Horse-9")
        await container.auth.register_user()(account)
        await eventually(lambda: container.email.email_sender().sent, within=2)
        assert time.monotonic() - started < 1
    finally:
        await loop.stop()
        await close_container(container)
