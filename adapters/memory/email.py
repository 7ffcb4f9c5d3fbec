from __future__ import annotations

from application.ports import EmailSender
from domain.email_messages import EmailMessage


class InMemoryEmailSender(EmailSender):
    """Keeps what it is given in `sent`. While `failing` is set it refuses, like a mail
    server that is down, so retries can be observed."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.failing = False
        self.refused = 0

    async def send(self, message: EmailMessage) -> None:
        if self.failing:
            self.refused += 1
            raise ConnectionRefusedError("the in-memory mail server is down")
        self.sent.append(message)

    def sent_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.sent if m.to == address]
