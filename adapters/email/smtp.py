from __future__ import annotations

import email.message
import email.utils

import aiosmtplib

from application.ports import EmailSender
from domain.email_messages import EmailMessage


class SmtpEmailSender(EmailSender):
    """Sends through an SMTP server with aiosmtplib, one connection per message, every
    network step bounded by `timeout`. Failures surface as exceptions; the delivery use
    case turns them into retries."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._username, self._password = username or None, password or None
        self._starttls, self._timeout = starttls, timeout

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
        await aiosmtplib.send(
            self.compose(message),
            hostname=self._host,
            port=self._port,
            username=self._username,
            password=self._password,
            # Upgrade only when configured: an unverifiable certificate offered by a local
            # relay would otherwise block every message.
            start_tls=self._starttls,
            timeout=self._timeout,
        )


def _domain_of(address: str) -> str | None:
    _name, addr = email.utils.parseaddr(address)
    return addr.rpartition("@")[2] or None
