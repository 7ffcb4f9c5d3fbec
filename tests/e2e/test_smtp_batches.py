"""SMTP at volume, over real sockets to aiosmtpd: one connection carries a whole batch,
implicit TLS (port 465 style) with a certificate made here, and a permanent refusal is
final. The delivery use case runs on an in-memory outbox; the transport is the real one.
"""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.email.smtp import SmtpEmailSender
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from application.email_delivery import DeliverDueEmails
from domain.email_messages import EmailMessage
from entrypoints.email_backends import build_email_sender
from tests.conftest import settings_for
from tests.support.clock import FakeClock
from tests.support.postgres import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]
SENDER = "hexapi <no-reply@hexapi.test>"
REFUSED = "nobody@example.com"


class Mailbox:
    """Keeps what it accepts; refuses REFUSED for good, as a server with no such user."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.Message]] = []
        self.connections = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address == REFUSED:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"


class CountingController(Controller):
    """aiosmtpd on a free port that counts the connections it accepts."""

    def factory(self) -> SMTP:
        mailbox: Mailbox = self.handler
        server = super().factory()
        made = server.connection_made

        def counted(transport) -> None:
            mailbox.connections += 1
            made(transport)

        server.connection_made = counted  # type: ignore[method-assign]
        return server


def certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (and its key), made here."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hexapi test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def plain_server(mailbox: Mailbox) -> Iterator[int]:
    port = free_port()
    controller = CountingController(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    mailbox.connections = 0  # the controller's own readiness probe is not ours
    yield port
    controller.stop()


async def deliver_all(sender: SmtpEmailSender, recipients: list[str], batch: int) -> InMemoryStore:
    store, clock = InMemoryStore(), FakeClock()

    def uow() -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(store, clock)

    async with uow() as work:
        for to in recipients:
            await work.outbox.enqueue(EmailMessage(to=to, subject="Hi", body="Secret body"))
        await work.commit()
    deliver = DeliverDueEmails(uow, sender, clock, batch_size=batch)
    while await deliver():
        pass
    return store


async def test_a_batch_travels_over_one_connection(mailbox, plain_server, capsys) -> None:
    sender = SmtpEmailSender(host="127.0.0.1", port=plain_server, sender=SENDER)
    recipients = [f"u{n}@example.com" for n in range(25)]
    await deliver_all(sender, recipients, batch=10)
    assert sorted(r for rcpts, _ in mailbox.messages for r in rcpts) == sorted(recipients)
    with capsys.disabled():
        print(
            f"\n[smtp] {len(mailbox.messages)} messages in batches of 10 over"
            f" {mailbox.connections} connections:"
            f" {len(mailbox.messages) / mailbox.connections:.1f} per connection"
        )
    assert mailbox.connections == 3  # 10 + 10 + 5


async def test_a_permanent_refusal_is_failed_and_the_batch_goes_on(
    mailbox, plain_server, caplog
) -> None:
    sender = SmtpEmailSender(host="127.0.0.1", port=plain_server, sender=SENDER)
    store = await deliver_all(sender, ["a@example.com", REFUSED, "b@example.com"], batch=10)
    rows = {q.message.to: q for q in store.table("email_outbox").values()}
    assert rows[REFUSED].failed_at is not None and rows[REFUSED].sent_at is None
    assert "550" in rows[REFUSED].last_error and rows[REFUSED].attempts == 1
    assert rows["a@example.com"].sent_at and rows["b@example.com"].sent_at
    assert mailbox.connections == 1
    assert "Secret body" not in caplog.text


async def test_implicit_tls_delivers_to_a_server_with_a_verified_certificate(
    mailbox, tmp_path
) -> None:
    cert, key = certificate(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    port = free_port()
    controller = CountingController(
        mailbox, hostname="127.0.0.1", port=port, ssl_context=server_context
    )
    controller.start()
    try:
        # The settings' way in: SMTP_TLS, and the certificate trusted like any CA.
        settings = settings_for(
            "memory://",
            tmp_path,
            email_backend="smtp",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_tls=True,
            email_from=SENDER,
        )
        built = build_email_sender(settings)
        assert isinstance(built, SmtpEmailSender) and built._tls and not built._starttls
        trusting = ssl.create_default_context(cafile=str(cert))
        sender = SmtpEmailSender(
            host="127.0.0.1", port=port, sender=SENDER, tls=True, tls_context=trusting
        )
        await deliver_all(sender, ["tls@example.com"], batch=10)
        [(rcpts, message)] = mailbox.messages
        assert rcpts == ["tls@example.com"] and message["Subject"] == "Hi"

        # An unknown certificate is refused: nothing goes out, the message waits.
        store = await deliver_all(
            SmtpEmailSender(host="127.0.0.1", port=port, sender=SENDER, tls=True),
            ["unverified@example.com"],
            batch=10,
        )
        [row] = store.table("email_outbox").values()
        assert row.sent_at is None and row.failed_at is None and "CERTIFICATE" in row.last_error
    finally:
        controller.stop()
    assert len(mailbox.messages) == 1
