"""EMAIL_BACKEND decides which transport plays the EmailSender port."""

from __future__ import annotations

from adapters.email.console import ConsoleEmailSender
from adapters.email.smtp import SmtpEmailSender
from adapters.memory.email import InMemoryEmailSender
from application.ports import EmailSender
from entrypoints.settings import Settings

SMTP_TIMEOUT_SECONDS = 10.0


def build_email_sender(settings: Settings) -> EmailSender:
    if settings.email_backend == "smtp":
        return SmtpEmailSender(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.email_from,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            tls=settings.smtp_tls,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
    if settings.email_backend == "memory":
        return InMemoryEmailSender()
    return ConsoleEmailSender()
