from __future__ import annotations

import contextlib
import email.message
import email.utils
import ssl
from collections.abc import AsyncIterator

import aiosmtplib

from application.ports import EmailSender
from domain.email_messages import EmailMessage
from domain.outbox import DeliveryRefused


class SmtpEmailSender(EmailSender):
    """Sends through an SMTP server with aiosmtplib, every network step bounded by
    `timeout`. `session()` keeps one connection for a whole batch (`send` alone opens one
    per message). Transport: plain, STARTTLS (`starttls`) or implicit TLS from the first
    byte (`tls`, port 465); the server's certificate is verified either way (`tls_context`
    for a private CA). Failures surface as exceptions: a 5xx reply as DeliveryRefused, which
    is final; anything else is worth a retry."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        tls: bool = False,
        timeout: float = 10.0,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        if starttls and tls:
            raise ValueError("STARTTLS and implicit TLS exclude each other")
        self._host, self._port, self._sender = host, port, sender
        self._username, self._password = username or None, password or None
        self._starttls, self._tls, self._timeout = starttls, tls, timeout
        self._tls_context = tls_context

    def compose(self, message: EmailMessage) -> email.message.EmailMessage:
        mail = email.message.EmailMessage()
        mail["From"] = self._sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Date"] = email.utils.formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = email.utils.make_msgid(domain=_domain_of(self._sender))
        mail.set_content(message.body)
        return mail

    async def send(self, message: EmailMessage) -> None:
        async with self.session() as session:
            await session.send(message)

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[EmailSender]:
        session = _SmtpSession(self)
        try:
            yield session
        finally:
            await session.close()

    def client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            username=self._username,
            password=self._password,
            use_tls=self._tls,
            # Upgrade only when configured: an unverifiable certificate offered by a local
            # relay would otherwise block every message.
            start_tls=self._starttls,
            tls_context=self._tls_context,
            timeout=self._timeout,
        )


class _SmtpSession(EmailSender):
    """One connection, opened on the first message and opened again after it was lost."""

    def __init__(self, owner: SmtpEmailSender) -> None:
        self._owner = owner
        self._smtp: aiosmtplib.SMTP | None = None

    async def send(self, message: EmailMessage) -> None:
        if self._smtp is None or not self._smtp.is_connected:
            self._smtp = self._owner.client()
            await self._smtp.connect()
        mail = self._owner.compose(message)
        try:
            # The envelope names the message's one recipient, whatever the headers say.
            await self._smtp.send_message(mail, recipients=[message.to])
        except aiosmtplib.SMTPRecipientsRefused as exc:
            if all(_permanent(refused.code) for refused in exc.recipients):
                raise DeliveryRefused(_reply(exc.recipients[0])) from None
            raise
        except aiosmtplib.SMTPResponseException as exc:
            if _permanent(exc.code):
                raise DeliveryRefused(_reply(exc)) from None
            raise
        except (aiosmtplib.SMTPServerDisconnected, ConnectionError, TimeoutError):
            await self.close()  # the next message connects afresh
            raise

    async def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None or not smtp.is_connected:
            return
        try:
            await smtp.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            smtp.close()


def _permanent(code: int) -> bool:
    return 500 <= code < 600


def _reply(error: aiosmtplib.SMTPResponseException) -> str:
    return f"{error.code} {error.message}"


def _domain_of(address: str) -> str | None:
    _name, addr = email.utils.parseaddr(address)
    return addr.rpartition("@")[2] or None
