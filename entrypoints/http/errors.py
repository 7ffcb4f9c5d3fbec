"""One table from domain errors to HTTP, and the handlers that give every error one shape."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from functools import cache
from http import HTTPStatus
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, create_model
from starlette.exceptions import HTTPException as StarletteHTTPException

from application.errors import BackendUnavailable, Overloaded
from domain.errors import (
    Conflict,
    DomainError,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidCursor,
    InvalidPassword,
    InvalidResetToken,
    NotAnImage,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    PolicyViolation,
    RateLimited,
    RequestInProgress,
    TooLarge,
)
from entrypoints.http.schemas.common import ErrorBody, ValidationErrorBody

log = logging.getLogger("hexapi.errors")

ERRORS: dict[type[DomainError], int] = {
    InvalidPassword: 400,
    InvalidResetToken: 400,
    NotAuthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    NotAnImage: 415,
    PolicyViolation: 422,
    RateLimited: 429,
    BackendUnavailable: 503,
}
# Codes for errors raised by the framework itself (routing, body limits …).
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "service_unavailable",
}
# Every `code` each status can carry, as the contract lists them: published as an enum per
# status, so a client can narrow an error by its code. A domain error whose code is missing
# here fails tests/http/test_error_codes.py.
ERROR_CODES: dict[int, tuple[str, ...]] = {
    400: ("invalid_token", "invalid_password", "bad_request"),
    401: ("not_authenticated", "invalid_token", "invalid_credentials"),
    403: ("forbidden", "inactive_user"),
    404: ("not_found",),
    405: ("method_not_allowed",),
    409: (
        "email_taken",
        "insufficient_stock",
        "invalid_state",
        "last_superuser",
        "idempotency_key_reused",
        "request_in_progress",
    ),
    413: ("payload_too_large",),
    415: ("unsupported_media_type",),
    429: ("rate_limited",),
    503: ("service_unavailable",),
}
# Spelled out rather than derived from `HTTPStatus` names, which differ between Python versions.
_ERROR_MODEL_NAMES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    413: "PayloadTooLargeError",
    415: "UnsupportedMediaTypeError",
    429: "RateLimitedError",
    503: "ServiceUnavailableError",
}
SECRET_FIELDS = {"password", "new_password", "current_password", "token", "refresh_token"}


def status_for(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in ERRORS:
            return ERRORS[cls]
    return 400


class ErrorJSONResponse(JSONResponse):
    """JSON with non-ASCII characters escaped: an error may quote input that is not valid
    Unicode (a lone surrogate), and must still be sent rather than fail while encoding."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def error_response(
    status: int, detail: str, code: str, headers: Mapping[str, str] | None = None
) -> ErrorJSONResponse:
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return ErrorJSONResponse({"detail": detail, "code": code}, status_code=status, headers=headers)


@cache
def error_model(status: int) -> type[BaseModel]:
    """The published body of an error status: `ErrorBody` with `code` narrowed to its enum,
    named for the status (`NotFoundError`, `ConflictError` …)."""
    if status == 422:
        return ValidationErrorBody
    codes = ERROR_CODES[status]
    name = _ERROR_MODEL_NAMES[status]
    code_type: Any = Literal[codes]
    return create_model(
        name,
        __base__=ErrorBody,
        __doc__=f"The body of a {status} response.",
        # An enum even for one code (pydantic alone would publish `const`), so every status
        # reads the same to a generator.
        code=(
            code_type,
            Field(
                description="A stable snake_case code for programs.",
                json_schema_extra={"enum": list(codes)},
            ),
        ),
    )


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can return."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {
            "model": error_model(status),
            "description": HTTPStatus(status).phrase,
        }
        if status == 401:
            entry["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        if status == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        if status == 503:
            # Sent when the server is too busy to take the request (password hashes queued
            # to the bound), not when a backend is simply away.
            entry["headers"] = {
                "Retry-After": {
                    "schema": {"type": "integer"},
                    "description": "Seconds to wait, when the server is busy rather than a"
                    " backend away.",
                }
            }
            entry["description"] = (
                "A required backend is unavailable, or the server is too busy (too many"
                " password hashes already waiting) and answers at once instead of waiting."
            )
        documented[status] = entry
    return documented


# The contract's bound on the problems a 422 lists: a body of a million unknown keys would
# otherwise be answered with ten times its size, and cost as much time to encode.
MAX_VALIDATION_PROBLEMS = 100


def _validation_problems(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    problems = []
    for error in errors[:MAX_VALIDATION_PROBLEMS]:
        problem = {k: v for k, v in error.items() if k != "url"}
        loc = [str(part) for part in problem.get("loc", ())]
        # Never echo a password or token back: neither a secret field's value nor a whole
        # body or object (the "input" of a missing field is its parent, password and all).
        if (
            set(loc) & SECRET_FIELDS
            or len(loc) < 2
            or isinstance(problem.get("input"), dict | list)
        ):
            problem.pop("input", None)
        problems.append(problem)
    encoded: list[dict[str, Any]] = jsonable_encoder(problems)
    return encoded


def error_content(exc: DomainError) -> tuple[int, dict[str, Any]]:
    """The status and body the contract gives a domain error."""
    if isinstance(exc, PolicyViolation):
        where = "query" if isinstance(exc, InvalidCursor) else "body"
        problem = {"type": "value_error", "loc": [where, exc.field], "msg": exc.detail}
        return 422, {"detail": [problem], "code": exc.code}
    body: dict[str, Any] = {"detail": exc.detail, "code": exc.code}
    if isinstance(exc, InsufficientStock):  # the contract names the product short of stock
        body["product_id"] = str(exc.product_id)
    elif isinstance(exc, IdempotencyKeyReused | RequestInProgress):
        # POST /orders publishes one 409 body for its three conflicts, `product_id` always
        # sent (null but for insufficient_stock), so clients can rely on the field.
        body["product_id"] = None
    return status_for(exc), body


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status, body = error_content(exc)
    headers = {}
    if isinstance(exc, RateLimited | Overloaded):
        headers["Retry-After"] = str(exc.retry_after)
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return ErrorJSONResponse(body, status_code=status, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    body = {"detail": _validation_problems(exc.errors()), "code": "validation_error"}
    return ErrorJSONResponse(body, status_code=422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    code = STATUS_CODES.get(exc.status_code, phrase.lower().replace(" ", "_"))
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    return error_response(exc.status_code, detail, code, exc.headers)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=exc)
    return error_response(500, "Internal server error.", "internal_error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
