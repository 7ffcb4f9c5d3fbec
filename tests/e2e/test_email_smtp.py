"""E-mail over real SMTP (aiosmtpd) from the real `hexapi serve` and `hexapi worker`."""

from __future__ import annotations

import email
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.support.api import PASSWORD
from tests.support.live_server import HEXAPI, LIVE_SECRET, live_server
from tests.support.postgres import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]
T = TypeVar("T")
SENDER = "hexapi <no-reply@hexapi.test>"


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []
        self.refusals: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address.startswith("gone"):  # a mailbox this server says does not exist
            self.refusals.append(address)
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = email.message_from_bytes(envelope.content)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for _, rcpts, m in self.messages if address in rcpts]


class SmtpServer:
    """A real SMTP server on a fixed port that can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self) -> dict[str, str]:
        return {
            "EMAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.port),
            "EMAIL_FROM": SENDER,
        }


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.stop()


def wait_for(probe: Callable[[], T], within: float, what: str) -> T:
    deadline = time.monotonic() + within
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: nothing within {within} s")
        time.sleep(0.05)


def register(base_url: str, email_address: str) -> None:
    body = {"email": email_address, "name": "Ann", "password": PASSWORD}
    response = httpx.post(f"{base_url}/api/v1/auth/register", json=body, timeout=10)
    assert response.status_code == 201, response.text


def outbox_row(database: Path, recipient: str) -> tuple[int, str | None, str | None] | None:
    with sqlite3.connect(database) as conn:
        return conn.execute(
            "SELECT attempts, last_error, sent_at FROM email_outbox WHERE recipient = ?",
            (recipient,),
        ).fetchone()


def test_serve_mails_over_smtp_and_retries_until_the_server_is_back(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    smtp.start()
    with live_server(tmp_path, env=smtp.settings()) as server:
        register(server.base_url, "welcome@example.com")
        [welcome] = wait_for(lambda: smtp.mailbox.to("welcome@example.com"), 10, "welcome")
        assert welcome["Subject"] == "Welcome to hexapi"
        assert welcome["From"] == SENDER
        assert "Hello Ann" in welcome.get_payload(decode=True).decode()

        smtp.stop()
        register(server.base_url, "patient@example.com")
        attempts, last_error, sent_at = wait_for(
            lambda: (
                (row := outbox_row(tmp_path / "live.db", "patient@example.com"))
                and row[1] is not None
                and row
            ),
            10,
            "a failed first try",
        )
        assert sent_at is None and attempts >= 1
        assert "Connect" in last_error or "refused" in last_error.lower(), last_error

        smtp.start()
        back = time.monotonic()
        wait_for(lambda: smtp.mailbox.to("patient@example.com"), 15, "the retried message")
        delay = time.monotonic() - back
        # The try after the first failure comes 2 s later (plus at most a poll interval).
        assert delay < 10, f"delivered {delay:.1f} s after the server came back"
        wait_for(lambda: outbox_row(tmp_path / "live.db", "patient@example.com")[2], 5, "sent")
        assert len(smtp.mailbox.to("patient@example.com")) == 1
    assert "Traceback" not in server.log()


def test_worker_delivers_on_its_own_and_stops_cleanly_on_sigterm(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    smtp.start()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")},
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}",
        "DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": LIVE_SECRET,
        "HEXAPI_PASSWORD": PASSWORD,
        **smtp.settings(),
    }
    created = subprocess.run(
        [str(HEXAPI), "create-superuser", "--email", "root@example.com", "--name", "Root"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    assert smtp.mailbox.messages == []  # queued, not sent: nothing delivers yet

    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [str(HEXAPI), "worker"], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        # Generous: the bound covers the worker's start-up too, which took >15 s on a busy machine.
        wait_for(lambda: smtp.mailbox.to("root@example.com"), 60, "the welcome e-mail")
        worker.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert worker.wait(timeout=10) == 0, log_path.read_text()
        assert time.monotonic() - started < 5
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert "Traceback" not in log_path.read_text()


def test_a_permanent_refusal_is_failed_counted_logged_without_body_and_not_retried(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    smtp.start()
    with live_server(tmp_path, env=smtp.settings()) as server:
        register(server.base_url, "gone@example.com")
        wait_for(lambda: smtp.mailbox.refusals, 10, "the refusal")
        failed_at = wait_for(
            lambda: failed_row(tmp_path / "live.db", "gone@example.com"), 5, "marked failed"
        )
        assert "550" in failed_at[1]
        metrics = httpx.get(f"{server.base_url}/metrics", timeout=10).text
        assert 'emails_total{kind="welcome",outcome="failed"} 1.0' in metrics
        assert 'outcome="retried"' not in metrics
        time.sleep(7)  # past the first retry (within 5 s) that a temporary failure would get
        assert smtp.mailbox.refusals == ["gone@example.com"]
        assert outbox_row(tmp_path / "live.db", "gone@example.com")[0] == 1  # one attempt
    log = server.log()
    assert "refused for good" in log and "550" in log
    assert "You can log in now" not in log  # the welcome body
    assert "Traceback" not in log


def failed_row(database: Path, recipient: str) -> tuple[str, str] | None:
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            "SELECT failed_at, last_error FROM email_outbox"
            " WHERE recipient = ? AND failed_at IS NOT NULL",
            (recipient,),
        ).fetchone()
    return tuple(row) if row else None  # type: ignore[return-value]
