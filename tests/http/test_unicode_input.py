"""JSON may carry lone surrogates (\\ud800): refused with the contract's error, never a 500,
even though the error quotes the input back."""

from __future__ import annotations

import pytest

LONE_SURROGATE_BODIES = [
    (
        "/api/v1/auth/register",
        '{"email": "a\\ud800@example.com", "name": "Ann", "password": "Pass-w0rd!"}',
    ),
    (
        "/api/v1/auth/register",
        '{"email": "a@example.com", "name": "A\\udfffnn", "password": "Pass-w0rd!"}',
    ),
    ("/api/v1/auth/forgot-password", '{"email": "a\\ud800@example.com"}'),
    ("/api/v1/auth/refresh", '{"refresh_token": "\\ud800"}'),
]


@pytest.mark.parametrize(("path", "body"), LONE_SURROGATE_BODIES)
async def test_lone_surrogates_are_a_validation_error(client, path, body):
    response = await client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (401, 422), response.text
    assert response.json()["code"] in ("validation_error", "invalid_token")
