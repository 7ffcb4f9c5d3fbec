"""The order confirmation reaches a real SMTP server (aiosmtpd) even when `hexapi serve` is
SIGKILLed right after it acknowledged the order: the mail was committed with the order."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_email_smtp import SmtpServer, smtp, wait_for  # noqa: F401 (fixture)
from tests.support.api import PASSWORD
from tests.support.live_server import live_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]
ADMIN, BUYER = "mail-admin@example.com", "mail-buyer@example.com"


def login(base_url: str, email: str) -> dict[str, str]:
    form = {"username": email, "password": PASSWORD}
    response = httpx.post(f"{base_url}/api/v1/auth/login", data=form, timeout=10)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_the_confirmation_survives_a_sigkill_right_after_the_order(
    tmp_path: Path,
    smtp: SmtpServer,  # noqa: F811
) -> None:
    env = {
        **smtp.settings(),
        "FIRST_SUPERUSER_EMAIL": ADMIN,
        "FIRST_SUPERUSER_PASSWORD": PASSWORD,
    }
    # The mail server is down while the order is placed: whatever the dying process managed
    # to do, it cannot have delivered the confirmation.
    with live_server(tmp_path, env=env) as server:
        base = server.base_url
        admin = login(base, ADMIN)
        body = {"email": BUYER, "name": "Buyer", "password": PASSWORD}
        httpx.post(f"{base}/api/v1/auth/register", json=body, timeout=10).raise_for_status()
        buyer = login(base, BUYER)
        product = httpx.post(
            f"{base}/api/v1/products",
            json={"name": "Kettle", "price": "24.90", "stock": 5},
            headers=admin,
            timeout=10,
        ).json()
        lines = {"lines": [{"product_id": product["id"], "quantity": 2}]}
        placed = httpx.post(f"{base}/api/v1/orders", json=lines, headers=buyer, timeout=10)
        server.process.send_signal(signal.SIGKILL)
        assert placed.status_code == 201, placed.text
        server.process.wait(timeout=10)
    order = placed.json()

    smtp.start()
    with live_server(tmp_path, env=env) as server:
        [mail] = wait_for(
            lambda: [m for m in smtp.mailbox.to(BUYER) if "order" in m["Subject"]],
            60,
            "the order confirmation",
        )
        text = mail.get_payload(decode=True).decode()
        assert order["id"] in mail["Subject"] and order["id"] in text
        assert "2 x Kettle at 24.90 = 49.80" in text and "Total: 49.80" in text
    assert "Traceback" not in server.log()
