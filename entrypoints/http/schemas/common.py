"""Building blocks shared by every request and response model."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from domain.errors import PolicyViolation
from domain.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    POLICY_IN_WORDS,
    password_policy_message,
)
from domain.users import CONTROL_CHARACTERS, MAX_NAME_LENGTH
from entrypoints.email_addresses import parse_email

# Timestamps leave as ISO 8601 with an explicit +00:00 offset (and say so in the schema: the
# serializer returns a string, which alone would publish a bare string).
UtcDatetime = Annotated[
    datetime,
    PlainSerializer(lambda v: v.astimezone(UTC).isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
# Secrets are taken exactly as sent: never stripped, never echoed in errors.
Secret = Annotated[str, StringConstraints(strip_whitespace=False)]

# The policy as JSON Schema, so generated clients and schema-driven tests know it. The domain
# rule (domain/passwords.py) is what enforces it; this pattern is a strict subset of it.
_PASSWORD_SCHEMA = {
    "minLength": MIN_PASSWORD_LENGTH,
    "maxLength": MAX_PASSWORD_LENGTH,
    "pattern": r"^(?=[\s\S]*[a-z])(?=[\s\S]*[A-Z])(?=[\s\S]*[0-9])",
}
# A password the policy applies to, documented but checked elsewhere (where the order of
# checks matters, e.g. permission before policy).
PolicyPassword = Annotated[
    Secret,
    Field(
        description=POLICY_IN_WORDS,
        json_schema_extra=_PASSWORD_SCHEMA,
        examples=["Correct-Horse-7"],  # one the policy accepts, so "Try it out" works
    ),
]


def _meets_policy(password: str) -> str:
    message = password_policy_message(password)  # the e-mail rule needs it: checked later
    if message is not None:
        raise ValueError(message)
    return password


# A new password, refused with a 422 right here when it breaks the policy.
NewPassword = Annotated[PolicyPassword, AfterValidator(_meets_policy)]
# C0, DEL and C1 controls. Refused in names as in the domain (domain/users.py check_name);
# without them Python, Rust (pydantic) and JSON Schema agree on what white space is.
NO_CONTROL_CHARACTERS = f"^[^{CONTROL_CHARACTERS}]*$"
_WHITE_SPACE = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# What the schema promises: no control characters and at least one visible one. Enforced as
# "stripped, then at least one character, no controls", which is the same rule (pydantic's
# regex engine has no lookahead, so the published pattern is not the enforced one).
_NAME_SCHEMA = {"pattern": f"^(?=.*[^{_WHITE_SPACE}])[^{CONTROL_CHARACTERS}]*$"}
VISIBLE_TEXT_SCHEMA = _NAME_SCHEMA  # for other one-line texts with the same rule
Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        pattern=NO_CONTROL_CHARACTERS,
    ),
    Field(json_schema_extra=_NAME_SCHEMA, examples=["Ann Example"]),
]


def _email(value: str) -> str:
    try:
        return parse_email(value)
    except PolicyViolation as exc:
        raise ValueError(exc.detail) from None


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
    AfterValidator(_email),
    Field(
        description=(
            "One mailbox, `local@domain`: no quoted local part, comment, group, encoded word"
            " (`=?…?=`), comma, white space, control, invisible or bidi character. Stored"
            " after Unicode NFKC and lower-casing, so look-alikes are the same address."
        ),
        json_schema_extra={"format": "email"},
        examples=["ann@example.com"],
    ),
]


class RequestModel(BaseModel):
    """Request bodies: unknown fields are refused (no mass assignment), strings trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ResponseModel(BaseModel):
    """Response bodies: a field the server always sends is `required` in the published schema,
    defaults included, so generated clients need not type it as possibly missing."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class ErrorBody(ResponseModel):
    """The body of every error but 422. Each status publishes its own subclass, whose `code`
    is an enum of the codes that status can carry (see entrypoints/http/errors.py)."""

    detail: str = Field(description="A message for people.")
    code: str = Field(description="A stable snake_case code for programs.")


class ValidationProblem(BaseModel):
    """One problem found in the request, in FastAPI's shape; `input` and `ctx` only where
    they apply."""

    type: str = Field(description="The kind of problem, e.g. `missing` or `string_too_long`.")
    loc: list[str | int] = Field(description="Where: `body`, `query` … then the field path.")
    msg: str = Field(description="A message for people.")
    input: Any = Field(
        default=None,
        description="The value that was refused; left out for secrets and whole objects.",
    )
    ctx: dict[str, Any] = Field(
        default_factory=dict, description="Details of the rule, e.g. its limit."
    )


class ValidationErrorBody(ResponseModel):
    detail: list[ValidationProblem] = Field(description="At most 100 problems.")
    code: Literal["validation_error"] = "validation_error"


def _whole(value: Any) -> Any:
    """A JSON number with no fraction (`3.0`, `3e2`) as the int it is: JSON Schema's
    `integer` admits it, and numbers arrive as Decimal on the routes that read money exactly.
    Anything else is left to strict int validation, which refuses fractions, strings and
    booleans."""
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# After the Field of a strict int (so its bounds stay JSON Schema keywords): the field then
# takes a whole number however it is written, and nothing else.
WHOLE_NUMBER = BeforeValidator(_whole)
