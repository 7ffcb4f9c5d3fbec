"""The e-mails the service sends, as plain values: who, what, and why."""

from __future__ import annotations

from dataclasses import dataclass

from domain.orders import Order
from domain.users import User

PRODUCT_NAME = "hexapi"


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailMessage:
    """One plain-text e-mail to one recipient. `kind` names the template, for operators."""

    to: str
    subject: str
    body: str
    kind: str = "generic"


def welcome_email(user: User) -> EmailMessage:
    return EmailMessage(
        to=user.email,
        kind="welcome",
        subject=f"Welcome to {PRODUCT_NAME}",
        body=(
            f"Hello {user.name},\n\n"
            f"your {PRODUCT_NAME} account for {user.email} is ready. You can log in now.\n\n"
            "If you did not create this account, you can ignore this message.\n"
        ),
    )


def password_reset_email(user: User, reset_url: str, expires_in_minutes: int) -> EmailMessage:
    return EmailMessage(
        to=user.email,
        kind="password_reset",
        subject=f"Reset your {PRODUCT_NAME} password",
        body=(
            f"Hello {user.name},\n\n"
            "someone asked to reset the password of this account. To choose a new one, open\n\n"
            f"{reset_url}\n\n"
            f"The link works once and expires in {expires_in_minutes} minutes. If you did not"
            " ask for it, ignore this message: your password stays as it is.\n"
        ),
    )


def order_confirmation_email(order: Order, user: User) -> EmailMessage:
    lines = "\n".join(
        f"  {line.quantity} x {line.product_name} at {line.unit_price} = {line.line_total}"
        for line in order.lines
    )
    return EmailMessage(
        to=user.email,
        kind="order_confirmation",
        subject=f"Your {PRODUCT_NAME} order {order.id}",
        body=(
            f"Hello {user.name},\n\n"
            f"thank you for your order {order.id}:\n\n"
            f"{lines}\n\n"
            f"Total: {order.total}\n"
        ),
    )


def email_change_notice(user: User, old_email: str) -> EmailMessage:
    """To the address an account had, naming the one it has now: if the owner did not make
    the change, this is how they learn of it."""
    return EmailMessage(
        to=old_email,
        kind="email_changed",
        subject=f"The e-mail of your {PRODUCT_NAME} account was changed",
        body=(
            f"Hello {user.name},\n\n"
            f"the e-mail address of your {PRODUCT_NAME} account was changed from {old_email}"
            f" to {user.email}. Mail for the account now goes to the new address only.\n\n"
            "If you did not make this change, someone else may have access to your account:"
            " contact us at once.\n"
        ),
    )
