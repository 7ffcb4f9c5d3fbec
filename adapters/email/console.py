from __future__ import annotations

import logging

from application.ports import EmailSender
from domain.email_messages import EmailMessage

log = logging.getLogger("hexapi.email.console")


class ConsoleEmailSender(EmailSender):
    """Writes each message to the log instead of mailing it: for development, where the
    reset link is read from the console. Never use it where logs are shared, since the
    messages carry reset links."""

    async def send(self, message: EmailMessage) -> None:
        log.info(
            "e-mail (%s) to %s\nSubject: %s\n\n%s",
            message.kind,
            message.to,
            message.subject,
            message.body,
        )
