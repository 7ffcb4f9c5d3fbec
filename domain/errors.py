"""Errors the core raises. They know nothing of HTTP: the entrypoints map them to statuses."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the core raises on purpose; `code` is stable for clients."""

    code = "error"
    default_detail = "The request could not be completed."

    def __init__(self, detail: str | None = None, *, code: str | None = None) -> None:
        self.detail = detail or self.default_detail
        if code is not None:
            self.code = code
        super().__init__(self.detail)


class NotFound(DomainError):
    code = "not_found"
    default_detail = "Not found."


class Conflict(DomainError):
    """The request conflicts with the current state (`email_taken`, `last_superuser` …)."""

    code = "conflict"
    default_detail = "The request conflicts with the current state."


class EmailTaken(Conflict):
    code = "email_taken"
    default_detail = "A user with this e-mail already exists."


class LastSuperuser(Conflict):
    code = "last_superuser"
    default_detail = "This change would leave no active superuser."


class PermissionDenied(DomainError):
    code = "forbidden"
    default_detail = "You are not allowed to do this."


class InactiveUser(PermissionDenied):
    code = "inactive_user"
    default_detail = "This account is inactive."


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    default_detail = "Not authenticated."


class InvalidToken(NotAuthenticated):
    code = "invalid_token"
    default_detail = "The token is invalid, expired or revoked."


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"
    default_detail = "Incorrect e-mail or password."


class InvalidResetToken(DomainError):
    """A password-reset token that is malformed, unknown, used or expired (a 400, not a 401:
    the caller is not authenticating)."""

    code = "invalid_token"
    default_detail = "The reset token is invalid, used or expired."


class InvalidPassword(DomainError):
    """A well-formed request whose current password is wrong (not an authentication failure)."""

    code = "invalid_password"
    default_detail = "The current password is incorrect."


class PolicyViolation(DomainError):
    """A value breaks a rule of the domain (password policy, e-mail syntax …)."""

    code = "validation_error"
    default_detail = "The value is not acceptable."

    def __init__(self, detail: str | None = None, *, field: str = "value") -> None:
        super().__init__(detail)
        self.field = field


class InvalidCursor(PolicyViolation):
    """A pagination cursor that is malformed, tampered with, or made for another listing."""

    default_detail = "The cursor is invalid or does not belong to this listing."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, field="cursor")


class TooLarge(DomainError):
    """Something sent is larger than a rule allows (an avatar, a file, an upload body)."""

    code = "payload_too_large"
    default_detail = "The upload is too large."


class NotAnImage(DomainError):
    """Content that had to be an image (of an accepted kind) is not one."""

    code = "unsupported_media_type"
    default_detail = "Only PNG, JPEG, GIF and WebP images are accepted."


class RateLimited(DomainError):
    code = "rate_limited"
    default_detail = "Too many attempts; try again later."

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))


class InsufficientStock(Conflict):
    """An order asks for more units of a product than are in stock."""

    code = "insufficient_stock"
    default_detail = "Not enough stock for this order."

    def __init__(self, product_id: object, detail: str | None = None) -> None:
        super().__init__(detail or f"Not enough stock of product {product_id}.")
        self.product_id = product_id


class InvalidState(Conflict):
    """An action the current state does not allow (cancelling a cancelled order)."""

    code = "invalid_state"
    default_detail = "This is not possible in the current state."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used with another request body."


class RequestInProgress(Conflict):
    code = "request_in_progress"
    default_detail = "A request with this Idempotency-Key is still being processed."
