"""Every address the rule accepts reaches exactly one mailbox: the SMTP envelope and the `To`
header each name that one address, on a real aiosmtpd server over a real socket."""

from __future__ import annotations

import asyncio
import email
import email.policy
import email.utils
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from hypothesis import HealthCheck, given, settings

from adapters.email.smtp import SmtpEmailSender
from domain.email_messages import EmailMessage
from domain.emails import normalize_email
from domain.errors import PolicyViolation
from entrypoints.email_addresses import parse_email
from tests.support.addresses import candidate_addresses
from tests.support.postgres import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
SENDER = "hexapi <no-reply@example.com>"


class Mailbox:
    """Keeps each message's envelope recipients and its parsed headers."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.SMTPUTF8)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[int, Mailbox]]:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    yield port, mailbox
    controller.stop()


@given(raw=candidate_addresses())
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_an_accepted_address_is_exactly_one_envelope_recipient(smtp, raw: str) -> None:
    port, mailbox = smtp
    try:
        address = normalize_email(raw)
    except PolicyViolation:
        with pytest.raises(PolicyViolation):  # what the domain refuses, the edge refuses too
            parse_email(raw)
        return
    mailbox.messages.clear()
    sender = SmtpEmailSender(host="127.0.0.1", port=port, sender=SENDER, timeout=5)
    message = EmailMessage(to=address, subject="Reset your password", body="a secret link")
    asyncio.run(sender.send(message))
    [(recipients, received)] = mailbox.messages
    assert recipients == [address]
    assert email.utils.getaddresses(received.get_all("To", [])) == [("", address)]
    assert received.get_all("Cc") is None and received.get_all("Bcc") is None


@given(raw=candidate_addresses())
@settings(max_examples=300)
def test_the_edge_accepts_nothing_the_domain_refuses_and_keeps_its_normal_form(raw: str) -> None:
    try:
        edge = parse_email(raw)
    except PolicyViolation:
        return
    assert edge == normalize_email(raw)


def test_the_generator_reaches_both_sides() -> None:
    """The properties above mean something only if accepted and refused cases both occur."""
    seen: set[bool] = set()

    @given(candidate_addresses())
    @settings(max_examples=300, database=None)
    def sample(raw: str) -> None:
        try:
            normalize_email(raw)
            seen.add(True)
        except PolicyViolation:
            seen.add(False)

    sample()
    assert seen == {True, False}
