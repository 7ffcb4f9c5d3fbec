"""Addresses as they enter the service (HTTP bodies, settings, the command line).

The domain rule (domain/emails.py) decides what one mailbox is and gives the normal form;
`email-validator` then checks the finer points of RFC 5321 and IDNA that a hand-written rule
gets wrong (label lengths once encoded, code points IDNA 2008 refuses, special-use names
such as `.invalid` or `.localhost`). It runs on the normal form and can only refuse more; the
stored form stays the domain's.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from domain.emails import normalize_email
from domain.errors import PolicyViolation


def parse_email(raw: str) -> str:
    """The normal form of an address a person typed, or PolicyViolation (field `email`)."""
    email = normalize_email(raw)
    try:
        validate_email(
            email,
            check_deliverability=False,  # no DNS here: the mail that is sent proves it
            # `.test` (RFC 6761) is what test suites and staging use; whether a name can get
            # mail is for the mail server to say, and the contract refuses no domain for it.
            test_environment=True,
            allow_smtputf8=True,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
            allow_empty_local=False,
        )
    except EmailNotValidError as exc:
        message = f"value is not a valid e-mail address: {exc}"
        raise PolicyViolation(message, field="email") from None
    return email
