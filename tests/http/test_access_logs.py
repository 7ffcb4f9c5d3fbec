"""One access line per request with its request id; no password or token ever logged."""

from __future__ import annotations

import json
import logging

import pytest

from adapters.email.console import ConsoleEmailSender
from domain.email_messages import EmailMessage
from entrypoints.logging import JsonFormatter, RedactSecrets, configure_logging, redact
from tests.conftest import settings_for
from tests.support.api import PASSWORD

SECRET_QUERY_TOKEN = "query-secret-0123456789abcdef"


async def test_access_lines_carry_the_request_id_and_no_secret(client, caplog):
    caplog.set_level(logging.INFO)
    email = "logged@example.com"
    responses = [
        await client.post(
            "/api/v1/auth/register", json={"email": email, "name": "Ann", "password": PASSWORD}
        ),
        login := await client.post(
            "/api/v1/auth/login", data={"username": email, "password": PASSWORD}
        ),
    ]
    tokens = login.json()
    responses += [
        await client.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        ),
        await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
        await client.get(f"/health?token={SECRET_QUERY_TOKEN}&page=2"),
        await client.post("/api/v1/auth/login", data={"username": email, "password": "Wrong-1x"}),
    ]

    text = caplog.text + "\n".join(str(r.__dict__) for r in caplog.records)
    for secret in (PASSWORD, "Wrong-1x", tokens["access_token"], tokens["refresh_token"]):
        assert secret not in text
    assert SECRET_QUERY_TOKEN not in text

    access = [r for r in caplog.records if r.name == "hexapi.access"]
    for response in responses:
        request_id = response.headers["X-Request-ID"]
        lines = [r for r in access if r.request_id == request_id]
        assert len(lines) == 1, request_id
        line = lines[0]
        assert line.status == response.status_code
        assert line.method == response.request.method
        assert line.duration_ms >= 0
    health = next(r for r in access if r.route == "/health")
    assert health.path == "/health?token=[redacted]&page=2"


async def test_an_unhandled_error_is_logged_once_with_its_request_id(client, caplog):
    async def boom() -> None:
        raise RuntimeError("the bug")

    client.app.add_api_route("/test-boom", boom, methods=["GET"])
    caplog.set_level(logging.INFO)
    response = await client.get("/test-boom", headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].request_id == "trace-me"
    assert errors[0].exc_info is not None
    (access,) = [r for r in caplog.records if r.name == "hexapi.access"]
    assert access.status == 500


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("GET /x?token=abc.def&page=1", "GET /x?token=[redacted]&page=1"),
        ("refresh_token=zzz", "refresh_token=[redacted]"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer [redacted]"),
        ('{"password": "hunter2"}', '{"password": "[redacted]"}'),
        ("{'new_password': 'hunter2'}", "{'new_password': '[redacted]'}"),
        ("jwt eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl here", "jwt [redacted] here"),
        ("nothing to hide", "nothing to hide"),
        ("basic setup done; WWW-Authenticate: Bearer\nnext line", None),
    ],
)
def test_the_safety_net_redacts_secret_shaped_text(dirty, clean):
    assert redact(dirty) == (dirty if clean is None else clean)


def test_the_filter_redacts_a_record_before_any_handler_formats_it():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "reset link %s", ("https://f/r?token=s3cret",), None
    )
    RedactSecrets(honour_reveal=False).filter(record)
    assert record.getMessage() == "reset link https://f/r?token=[redacted]"


@pytest.mark.parametrize(("honour_reveal", "shown"), [(True, True), (False, False)])
def test_a_record_marked_reveal_is_shown_only_outside_production(honour_reveal, shown):
    link = "https://f/r?token=s3cret"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "reset link %s", (link,), None)
    record.reveal = True  # what the development mail console asks for
    RedactSecrets(honour_reveal=honour_reveal).filter(record)
    assert ("s3cret" in record.getMessage()) is shown


def test_json_lines_keep_the_access_fields():
    record = logging.LogRecord("hexapi.access", logging.INFO, __file__, 1, "GET / 200", (), None)
    record.request_id, record.status, record.route = "rid", 200, "/"
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "rid"
    assert line["status"] == 200
    assert line["level"] == "info"
    assert line["message"] == "GET / 200"


@pytest.mark.parametrize(("app_env", "shown"), [("development", True), ("production", False)])
async def test_the_mail_console_shows_reset_links_only_outside_production(
    app_env, shown, capsys, tmp_path
):
    configure_logging(settings_for("memory://", tmp_path, app_env=app_env))
    link = "http://localhost:3000/reset-password?token=s3cret-reset-token"
    await ConsoleEmailSender().send(EmailMessage(to="a@example.com", subject="Reset", body=link))
    assert ("s3cret-reset-token" in capsys.readouterr().err) is shown
