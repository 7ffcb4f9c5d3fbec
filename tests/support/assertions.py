"""Assertions on the error shapes of the HTTP contract."""

from __future__ import annotations

from typing import Any

import httpx


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """`{"detail": str, "code": code}` with `status`; a 401 also names the Bearer scheme."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"detail", "code"}, body
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"], body
    if status == 401:
        assert response.headers.get("WWW-Authenticate") == "Bearer", response.headers
    return body


def assert_validation_error(response: httpx.Response, *secrets: str) -> list[dict[str, Any]]:
    """FastAPI's 422 shape plus `"code": "validation_error"`, echoing none of `secrets`."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error", body
    assert isinstance(body["detail"], list) and body["detail"], body
    for problem in body["detail"]:
        assert {"loc", "msg", "type"} <= set(problem), problem
    for secret in secrets:
        assert secret not in response.text, f"{secret!r} echoed in {response.text}"
    return body["detail"]


def locations(problems: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {tuple(problem["loc"]) for problem in problems}
