"""Building blocks shared by every request and response model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

from domain.emails import normalize_email
from domain.errors import PolicyViolation

# Timestamps leave as ISO 8601 with an explicit +00:00 offset.
UtcDatetime = Annotated[
    datetime,
    PlainSerializer(lambda v: v.astimezone(UTC).isoformat(), return_type=str, when_used="json"),
]
# Secrets are taken exactly as sent: never stripped, never echoed in errors.
Secret = Annotated[str, StringConstraints(strip_whitespace=False)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


def _email(value: str) -> str:
    try:
        return normalize_email(value)
    except PolicyViolation as exc:
        raise ValueError(exc.detail) from None


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
    AfterValidator(_email),
    Field(json_schema_extra={"format": "email"}),
]


class RequestModel(BaseModel):
    """Request bodies: unknown fields are refused (no mass assignment), strings trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ErrorBody(BaseModel):
    detail: str = Field(description="A message for people.")
    code: str = Field(description="A stable snake_case code for programs.")


class ValidationProblem(BaseModel):
    type: str
    loc: list[str | int]
    msg: str
    ctx: dict[str, Any] | None = None


class ValidationErrorBody(BaseModel):
    detail: list[ValidationProblem]
    code: str = "validation_error"
