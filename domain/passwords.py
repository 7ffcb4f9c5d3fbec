"""The password policy of the contract, as one pure function."""

from __future__ import annotations

from domain.errors import PolicyViolation

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
POLICY_IN_WORDS = (
    f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters, with an upper-case letter,"
    " a lower-case letter and a digit; not the e-mail address."
)


def password_problems(password: str, email: str | None = None) -> list[str]:
    """Every rule the password breaks, in words for people; empty when it is acceptable."""
    problems: list[str] = []
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        problems.append(f"must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters long")
    if not any(c.isupper() for c in password):
        problems.append("must contain an upper-case letter")
    if not any(c.islower() for c in password):
        problems.append("must contain a lower-case letter")
    if not any(c.isdigit() for c in password):
        problems.append("must contain a digit")
    if email is not None and password.casefold() == email.strip().casefold():
        problems.append("must not be the e-mail address")
    if any("\ud800" <= c <= "\udfff" for c in password):  # JSON allows lone surrogates
        problems.append("must be valid Unicode text")
    return problems


def password_policy_message(
    password: str, email: str | None = None, *, label: str = "password"
) -> str | None:
    """None when the password is acceptable; otherwise one message naming every rule it
    breaks ("password must contain a digit; must …"), for whatever reports it."""
    problems = password_problems(password, email)
    return f"{label} " + "; ".join(problems) if problems else None


def check_password_policy(
    password: str, email: str | None = None, *, field: str = "password", label: str | None = None
) -> None:
    """Raise PolicyViolation naming every rule the password breaks, for the input `field`."""
    message = password_policy_message(password, email, label=label or field)
    if message is not None:
        raise PolicyViolation(message, field=field)
