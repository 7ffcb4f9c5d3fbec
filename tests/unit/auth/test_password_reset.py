"""Forgot and reset password, and the welcome e-mail, on the in-memory adapters."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from dependency_injector import providers

from adapters.memory.email import InMemoryEmailSender
from application.auth.registration import NewAccount
from domain.email_messages import email_change_notice
from domain.errors import EmailTaken, InvalidResetToken, InvalidToken, PolicyViolation
from domain.outbox import QueuedEmail
from domain.password_resets import (
    MAX_RESET_EMAILS,
    RESET_EMAIL_WINDOW,
    PasswordResetToken,
    hash_reset_token,
    may_send_reset_email,
)
from domain.users import User
from entrypoints.containers import Container, build_container, close_container
from tests.conftest import cheap_hasher, settings_for
from tests.support.accounts import make_user
from tests.support.clock import FakeClock

PASSWORD = "Correct-Horse-9"
NEW_PASSWORD = "Brand-New-Pass-7"


@dataclass
class Mailroom:
    container: Container
    clock: FakeClock

    async def register(self, email: str = "ann@example.com") -> User:
        account = NewAccount(email=email, name="Ann", password=PASSWORD)
        return await self.container.auth.register_user()(account)

    async def forgot(self, email: str = "ann@example.com") -> None:
        await self.container.auth.request_password_reset()(email)

    async def reset(self, token: str, password: str = NEW_PASSWORD) -> None:
        await self.container.auth.reset_password()(token, password)

    def queued(self, kind: str | None = None) -> list[QueuedEmail]:
        rows = self.container.core.memory_store().table("email_outbox").values()
        return [q for q in rows if kind is None or q.message.kind == kind]

    def reset_tokens(self) -> list[PasswordResetToken]:
        return list(self.container.core.memory_store().table("password_reset_tokens").values())

    def token_from_last_mail(self) -> str:
        [*_, mail] = self.queued("password_reset")
        url = next(word for word in mail.message.body.split() if "/reset-password?" in word)
        return parse_qs(urlsplit(url).query)["token"][0]

    async def user(self, user_id: uuid.UUID) -> User:
        async with self.container.core.uow() as uow:
            user = await uow.users.get(user_id)
        assert user is not None
        return user


@pytest.fixture
async def mailroom(tmp_path: Path) -> AsyncIterator[Mailroom]:
    clock = FakeClock()
    settings = settings_for(
        "memory://",
        tmp_path,
        email_backend="memory",
        frontend_url="https://app.example.com/",
        reset_token_expire_minutes=30,
    )
    container = build_container(settings)
    container.core.clock.override(providers.Object(clock))
    container.core.hasher.override(providers.Singleton(cheap_hasher))
    yield Mailroom(container, clock)
    await close_container(container)


async def test_registering_queues_a_welcome_email(mailroom: Mailroom) -> None:
    await mailroom.register("ann@example.com")
    [welcome] = mailroom.queued("welcome")
    assert welcome.message.to == "ann@example.com"
    assert "Ann" in welcome.message.body


async def test_a_registration_that_fails_queues_nothing(mailroom: Mailroom) -> None:
    await mailroom.register("ann@example.com")
    with pytest.raises(EmailTaken):
        await mailroom.register("ANN@example.com")
    assert len(mailroom.queued("welcome")) == 1


async def test_forgot_for_an_unknown_email_succeeds_and_queues_nothing(mailroom: Mailroom) -> None:
    await mailroom.forgot("nobody@example.com")
    assert mailroom.queued() == []
    assert mailroom.reset_tokens() == []


async def test_forgot_for_an_inactive_account_queues_nothing(mailroom: Mailroom) -> None:
    user = await mailroom.register()
    async with mailroom.container.core.uow() as uow:
        user.is_active = False
        await uow.users.update(user)
        await uow.commit()
    await mailroom.forgot()
    assert mailroom.queued("password_reset") == []


async def test_forgot_queues_a_link_to_the_frontend_and_stores_only_a_hash(
    mailroom: Mailroom,
) -> None:
    await mailroom.register()
    await mailroom.forgot()
    [mail] = mailroom.queued("password_reset")
    assert mail.message.to == "ann@example.com"
    assert "https://app.example.com/reset-password?token=" in mail.message.body
    token = mailroom.token_from_last_mail()
    assert len(token) >= 43  # 32 random bytes
    [stored] = mailroom.reset_tokens()
    assert stored.token_hash == hash_reset_token(token) != token
    assert token not in repr(stored)
    assert stored.expires_at - stored.created_at == timedelta(minutes=30)


async def test_reset_sets_the_password_and_revokes_every_session(mailroom: Mailroom) -> None:
    user = await mailroom.register()
    pair = await mailroom.container.auth.log_in()("ann@example.com", PASSWORD, "192.0.2.1")
    await mailroom.forgot()
    mailroom.clock.advance(seconds=1)
    await mailroom.reset(mailroom.token_from_last_mail())

    sessions = mailroom.container.core.memory_store().table("sessions").values()
    assert all(s.revoked_at is not None for s in sessions)
    assert (await mailroom.user(user.id)).password_changed_at == mailroom.clock.now()
    assert await mailroom.container.core.hasher().verify(
        (await mailroom.user(user.id)).hashed_password, NEW_PASSWORD
    )
    with pytest.raises(InvalidToken):
        await mailroom.container.auth.authenticate()(pair.access_token)
    with pytest.raises(InvalidToken):
        await mailroom.container.auth.refresh_tokens()(pair.refresh_token)
    fresh = await mailroom.container.auth.log_in()("ann@example.com", NEW_PASSWORD, "192.0.2.1")
    assert (await mailroom.container.auth.authenticate()(fresh.access_token)).id == user.id


async def test_a_token_works_only_once(mailroom: Mailroom) -> None:
    await mailroom.register()
    await mailroom.forgot()
    token = mailroom.token_from_last_mail()
    await mailroom.reset(token)
    with pytest.raises(InvalidResetToken):
        await mailroom.reset(token, "Another-Pass-8")


async def test_an_expired_token_is_refused(mailroom: Mailroom) -> None:
    user = await mailroom.register()
    await mailroom.forgot()
    token = mailroom.token_from_last_mail()
    mailroom.clock.advance(minutes=30)
    with pytest.raises(InvalidResetToken):
        await mailroom.reset(token)
    assert (await mailroom.user(user.id)).password_changed_at == user.password_changed_at


@pytest.mark.parametrize("garbage", ["", "x", "not-a-token" * 20, "\u00e9\u0000"])
async def test_a_garbage_token_is_refused(mailroom: Mailroom, garbage: str) -> None:
    await mailroom.register()
    await mailroom.forgot()
    with pytest.raises(InvalidResetToken):
        await mailroom.reset(garbage)


async def test_a_newer_link_supersedes_the_older_one(mailroom: Mailroom) -> None:
    await mailroom.register()
    await mailroom.forgot()
    older = mailroom.token_from_last_mail()
    await mailroom.forgot()
    newer = mailroom.token_from_last_mail()
    assert older != newer
    with pytest.raises(InvalidResetToken):
        await mailroom.reset(older)
    await mailroom.reset(newer)


async def test_a_weak_new_password_is_refused_and_the_token_kept(mailroom: Mailroom) -> None:
    await mailroom.register()
    await mailroom.forgot()
    token = mailroom.token_from_last_mail()
    with pytest.raises(PolicyViolation):
        await mailroom.reset(token, "short")
    await mailroom.reset(token)


async def test_the_new_password_must_not_be_the_email(mailroom: Mailroom) -> None:
    await mailroom.register("Pass.Word1@example.com")
    await mailroom.forgot("pass.word1@example.com")
    with pytest.raises(PolicyViolation):
        await mailroom.reset(mailroom.token_from_last_mail(), "PASS.WORD1@example.com")


async def test_queued_mail_reaches_the_sender(mailroom: Mailroom) -> None:
    await mailroom.register()
    assert await mailroom.container.email.deliver_due_emails()() == 1
    sender = mailroom.container.email.email_sender()
    assert isinstance(sender, InMemoryEmailSender)
    assert [m.kind for m in sender.sent_to("ann@example.com")] == ["welcome"]


async def test_forgot_normalises_the_email_itself(mailroom: Mailroom) -> None:
    await mailroom.register("ann@example.com")
    await mailroom.forgot("  ANN@Example.COM ")
    assert [q.message.to for q in mailroom.queued("password_reset")] == ["ann@example.com"]


async def test_forgot_refuses_what_is_no_email_address(mailroom: Mailroom) -> None:
    with pytest.raises(PolicyViolation):
        await mailroom.forgot("not an address")
    assert mailroom.queued("password_reset") == []


def test_the_limit_is_three_reset_emails_per_hour() -> None:
    assert [may_send_reset_email(n) for n in range(5)] == [True, True, True, False, False]
    assert (3, timedelta(hours=1)) == (MAX_RESET_EMAILS, RESET_EMAIL_WINDOW)


def test_the_change_notice_goes_to_the_old_address_and_names_the_new() -> None:
    user = make_user(email="new@example.com", name="Ann")
    notice = email_change_notice(user, old_email="old@example.com")
    assert (notice.to, notice.kind) == ("old@example.com", "email_changed")
    assert "new@example.com" in notice.body and "old@example.com" in notice.body
