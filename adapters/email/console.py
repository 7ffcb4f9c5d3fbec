from __future__ import annotations

import logging

from application.ports import EmailSender
from domain.email_messages import EmailMessage

log = logging.getLogger("hexapi.email.console")


class ConsoleEmailSender(EmailSender):
    """Writes each message to the log instead of mailing it: for development, where the
    reset link is read from the console. The record asks to be shown unredacted (`reveal`);
    in production the log's redaction still removes the link's token."""

    async def send(self, message: EmailMessage) -> None:
        log.info(
            "e-mail (%s) to %s\nSubject: %s\n\n%s",
            message.kind,
            message.to,
            message.subject,
            message.body,
            extra={"reveal": True},
        )
