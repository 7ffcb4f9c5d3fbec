"""Who may see and do what. Pure functions, used by every use case.

The contract's rule lives here and nowhere else: what the caller may not *see* is NotFound
(404, whatever they tried to do), what they may see but not *do* is PermissionDenied (403).
Visibility is always decided first.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from domain.errors import NotFound, PermissionDenied
from domain.posts import Post
from domain.users import User

# Account fields only a superuser may set, even on their own account.
PRIVILEGED_USER_FIELDS = frozenset({"password", "is_active", "is_superuser"})


def can_see(actor: User, owner_id: uuid.UUID | None) -> bool:
    """Owner-scoped things (an account, an item, an order, and later files, drafts): the
    owner and superusers see them, nobody else (what has no owner left, superusers only).
    Whoever sees an item may also change and delete it."""
    return actor.is_superuser or actor.id == owner_id


def ensure_can_see(actor: User, owner_id: uuid.UUID | None) -> None:
    if not can_see(actor, owner_id):
        raise NotFound()


@dataclass(frozen=True, slots=True)
class OwnerScope:
    """Whose things an owner-scoped listing shows: one owner's, or everyone's (None); with
    `nothing`, no one's at all."""

    owner_id: uuid.UUID | None
    nothing: bool = False


def owner_scope(actor: User, owner_id: uuid.UUID | None) -> OwnerScope:
    """A listing of owner-scoped things (items): a superuser sees everyone's, or the owner's
    that `owner_id` names; anyone else sees their own only, and `owner_id` can only narrow
    that, so another owner's id finds nothing (rather than a 403 that would tell them the
    account exists, or a silently ignored filter)."""
    if actor.is_superuser:
        return OwnerScope(owner_id)
    return OwnerScope(actor.id, nothing=owner_id not in (None, actor.id))


def ensure_superuser(actor: User) -> None:
    """For actions on things everyone may know exist (the user list, creating accounts)."""
    if not actor.is_superuser:
        raise PermissionDenied("Only a superuser may do this.")


def forbidden_user_fields(actor: User, fields: Collection[str]) -> frozenset[str]:
    """The fields of an account `actor` may not change (empty when the change is allowed)."""
    return frozenset() if actor.is_superuser else PRIVILEGED_USER_FIELDS & frozenset(fields)


def ensure_may_change_user(actor: User, user_id: uuid.UUID, fields: Collection[str]) -> None:
    """Changing an account: invisible is 404; visible but privileged fields is 403."""
    ensure_can_see(actor, user_id)
    forbidden = forbidden_user_fields(actor, fields)
    if forbidden:
        raise PermissionDenied(f"Only a superuser may change {', '.join(sorted(forbidden))}.")


def can_see_profile(actor: User, user: User) -> bool:
    """Profiles are public to every signed-in user, but only while the account is active."""
    return user.is_active


def ensure_can_see_profile(actor: User, user: User | None) -> User:
    if user is None or not can_see_profile(actor, user):
        raise NotFound()
    return user


def can_see_post(actor: User | None, post: Post) -> bool:
    """A published post is public, even without an account; a draft only its author and
    superusers see."""
    return post.is_published or (actor is not None and can_see(actor, post.author_id))


def ensure_can_see_post(actor: User | None, post: Post | None) -> Post:
    if post is None or not can_see_post(actor, post):
        raise NotFound()
    return post


def ensure_may_change_post(actor: User, post: Post | None) -> Post:
    """Changing or deleting a post: a draft of someone else is 404 (not seen), a published
    post of someone else 403 (seen, not theirs); the author and superusers may."""
    seen = ensure_can_see_post(actor, post)
    if not can_see(actor, seen.author_id):
        raise PermissionDenied("Only the author or a superuser may change this post.")
    return seen
