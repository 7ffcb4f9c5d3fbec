"""Property-based tests generated from /openapi.json against the real server: whatever a
client sends, the answer is never a 500 and always matches the schema (status documented,
body shaped as declared, content type as declared)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.live_server import LiveServer, live_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(600)]
ADMIN_EMAIL, ADMIN_PASSWORD = "schema-admin@example.com", "Schema-Admin-Pass-1"
# Inputs whose validity no JSON Schema can state, so "schema-valid yet refused" is expected:
# image bytes, a reset token or current password the server alone knows, and the opaque
# signed `cursor` of every list.
OPAQUE_BODIES = {
    "PUT /api/v1/users/me/avatar",
    "POST /api/v1/auth/reset-password",
    "POST /api/v1/users/me/password",
    "PATCH /api/v1/users/me",  # a new e-mail needs the current password
}


def has_opaque_input(operation) -> bool:
    names = {parameter.name for parameter in operation.iter_parameters()}
    return operation.label in OPAQUE_BODIES or "cursor" in names


@pytest.fixture
def server(tmp_path: Path, sql_database_url: str) -> Iterator[LiveServer]:
    """The real server on SQLite and on PostgreSQL: they differ in what text they can store
    (PostgreSQL refuses NUL characters) and in how they fail."""
    env = {"FIRST_SUPERUSER_EMAIL": ADMIN_EMAIL, "FIRST_SUPERUSER_PASSWORD": ADMIN_PASSWORD}
    # A generous throttle: generated logins must not lock the administrator out.
    env |= {"LOGIN_MAX_FAILURES": "100000", "DATABASE_URL": sql_database_url}
    with live_server(tmp_path, env=env) as running:
        yield running


@pytest.fixture
def admin_headers(server: LiveServer) -> dict[str, str]:
    response = httpx.post(
        server.base_url + "/api/v1/auth/login",
        data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_every_operation_keeps_to_its_schema(server: LiveServer, admin_headers) -> None:
    api = schemathesis.openapi.from_url(server.base_url + "/openapi.json")
    failures = []
    for result in api.get_all_operations():
        operation = result.ok()
        try:
            exercise(operation, admin_headers)
        except (Exception, BaseExceptionGroup) as exc:  # collect all, then report them all
            failures.append(f"{operation.label}:\n{exc}")
    assert not failures, "\n\n".join(failures)


def exercise(operation, headers: dict[str, str]) -> None:
    """Up to 50 generated requests to one operation, each checked against the schema."""
    excluded = [positive_data_acceptance] if has_opaque_input(operation) else []

    @given(case=operation.as_strategy())
    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    check()
