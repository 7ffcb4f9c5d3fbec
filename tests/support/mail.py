"""Helpers for tests that follow e-mail from the outbox to a mailbox."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import TypeVar

from adapters.memory.email import InMemoryEmailSender
from domain.email_messages import EmailMessage

T = TypeVar("T")
_RESET_URL = re.compile(r"(\S+/reset-password\?token=([A-Za-z0-9_-]+))")


async def eventually(probe: Callable[[], T | None], within: float = 5.0) -> T:
    """Poll `probe` until it returns something truthy, or fail after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing arrived within {within} s")
        await asyncio.sleep(0.02)


async def mail_to(
    sender: InMemoryEmailSender, address: str, kind: str, within: float = 5.0
) -> EmailMessage:
    """The latest message of `kind` delivered to `address`, waiting for it if need be."""

    def probe() -> EmailMessage | None:
        found = [m for m in sender.sent_to(address) if m.kind == kind]
        return found[-1] if found else None

    return await eventually(probe, within)


def reset_link(message: EmailMessage) -> tuple[str, str]:
    """(the reset URL, its token) from a password-reset e-mail."""
    match = _RESET_URL.search(message.body)
    assert match, f"no reset URL in: {message.body!r}"
    return match.group(1), match.group(2)
