"""Account use cases on the memory adapters: changes, passwords, deletion, listing."""

from __future__ import annotations

import uuid

import pytest

from application.auth.registration import NewAccount
from application.pagination import PageRequest
from application.ports.users import UserFilter
from application.users.changes import UserChanges
from domain.errors import (
    EmailTaken,
    InvalidPassword,
    InvalidToken,
    LastSuperuser,
    NotFound,
    PermissionDenied,
    PolicyViolation,
)
from domain.users import User
from tests.support.accounts import register_superuser
from tests.support.api import PASSWORD

NEW_PASSWORD = "Brand-New-Pass-7"


async def superuser(core, email: str = "root@example.com") -> User:
    return await register_superuser(core.container, email)


async def update(core, actor: User, target: User, **changes) -> User:
    return await core.container.users.update_user()(actor, target.id, UserChanges(**changes))


async def test_owners_change_their_email_and_name(core) -> None:
    ann = await core.register()
    core.clock.advance(seconds=5)
    changed = await update(
        core, ann, ann, email=" Ann.New@Example.com", name="Ann New", current_password=PASSWORD
    )
    assert (changed.email, changed.name, changed.updated_at) == (
        "ann.new@example.com",
        "Ann New",
        core.clock.now(),
    )
    assert await core.user(ann.id) == changed


async def test_an_email_in_use_is_refused_and_nothing_changes(core) -> None:
    await core.register("ann@example.com")
    bob = await core.register("bob@example.com")
    with pytest.raises(EmailTaken):
        await update(
            core, bob, bob, email="ANN@example.com", name="Changed", current_password=PASSWORD
        )
    assert (await core.user(bob.id)).name == "Ann"


async def test_owners_may_not_set_privileged_fields_even_to_their_current_values(core) -> None:
    ann = await core.register()
    for changes in ({"is_active": True}, {"is_superuser": False}, {"password": NEW_PASSWORD}):
        with pytest.raises(PermissionDenied):
            await update(core, ann, ann, **changes)


async def test_other_accounts_are_invisible_to_non_superusers(core) -> None:
    ann, bob = await core.register("ann@example.com"), await core.register("bob@example.com")
    with pytest.raises(NotFound):
        await update(core, ann, bob, name="Hacked")
    with pytest.raises(NotFound):
        await update(core, ann, bob, is_superuser=True)  # 404 before 403
    with pytest.raises(NotFound):
        await core.container.users.get_user()(ann, bob.id)
    with pytest.raises(NotFound):
        await core.container.users.delete_user()(ann, bob.id)


async def test_a_superuser_setting_a_password_ends_every_session_of_that_account(core) -> None:
    root, ann = await superuser(core), await core.register()
    pair = await core.login()
    core.clock.advance(seconds=1)
    await update(core, root, ann, password=NEW_PASSWORD)
    assert all(s.revoked_at is not None for s in core.all_sessions() if s.user_id == ann.id)
    with pytest.raises(InvalidToken):
        await core.authenticate(pair.access_token)
    assert (await core.authenticate((await core.login(password=NEW_PASSWORD)).access_token)).id


async def test_a_new_password_may_not_be_the_accounts_email(core) -> None:
    root, ann = await superuser(core), await core.register("ann1@example.com")
    with pytest.raises(PolicyViolation):  # the current e-mail
        await update(core, root, ann, password="Ann1@Example.com")
    with pytest.raises(PolicyViolation):  # the e-mail it is being changed to
        await update(core, root, ann, email="bob2@example.com", password="Bob2@example.COM")
    assert (await core.user(ann.id)).email == "ann1@example.com"


async def test_deactivating_ends_every_session_and_reactivating_does_not_revive_them(core) -> None:
    root, ann = await superuser(core), await core.register()
    pair = await core.login()
    await update(core, root, ann, is_active=False)
    await update(core, root, ann, is_active=True)
    with pytest.raises(InvalidToken):
        await core.authenticate(pair.access_token)


async def test_the_last_active_superuser_cannot_be_demoted_deactivated_or_deleted(core) -> None:
    root = await superuser(core)
    for changes in ({"is_superuser": False}, {"is_active": False}):
        with pytest.raises(LastSuperuser):
            await update(core, root, root, **changes)
    with pytest.raises(LastSuperuser):
        await core.container.users.delete_user()(root, root.id)
    assert (await core.user(root.id)).is_active_superuser


async def test_with_another_active_superuser_it_can(core) -> None:
    root, other = await superuser(core), await superuser(core, "other@example.com")
    assert not (await update(core, root, root, is_superuser=False)).is_superuser
    with pytest.raises(LastSuperuser):  # now `other` is the last one
        await update(core, other, other, is_active=False)


async def test_an_inactive_superuser_does_not_count(core) -> None:
    root, sleeping = await superuser(core), await superuser(core, "sleeping@example.com")
    await update(core, root, sleeping, is_active=False)
    with pytest.raises(LastSuperuser):
        await update(core, root, root, is_superuser=False)


async def test_change_password_checks_the_current_one_and_ends_every_session(core) -> None:
    ann = await core.register()
    first, second = await core.login(), await core.login()
    actor = await core.authenticate(first.access_token)
    with pytest.raises(InvalidPassword):
        await core.container.users.change_password()(actor, "Wrong-Pass-1", NEW_PASSWORD)
    with pytest.raises(PolicyViolation) as refused:
        await core.container.users.change_password()(actor, PASSWORD, "ANN@example.com")
    assert refused.value.field == "new_password"
    core.clock.advance(seconds=1)
    await core.container.users.change_password()(actor, PASSWORD, NEW_PASSWORD)
    for pair in (first, second):
        with pytest.raises(InvalidToken):
            await core.authenticate(pair.access_token)
        with pytest.raises(InvalidToken):
            await core.refresh(pair.refresh_token)
    assert (await core.authenticate((await core.login(password=NEW_PASSWORD)).access_token)).id
    assert (await core.user(ann.id)).password_changed_at == core.clock.now()


async def test_a_stale_current_password_is_refused(core) -> None:
    await core.register()
    actor = await core.authenticate((await core.login()).access_token)
    await core.container.users.change_password()(actor, PASSWORD, NEW_PASSWORD)
    with pytest.raises(InvalidPassword):  # `actor` still carries the old hash
        await core.container.users.change_password()(actor, PASSWORD, "Third-Pass-3")


async def test_deleting_an_account_removes_its_sessions(core) -> None:
    ann = await core.register()
    await core.login()
    await core.container.users.delete_user()(ann, ann.id)
    assert await core.user(ann.id) is None
    assert not [s for s in core.all_sessions() if s.user_id == ann.id]
    with pytest.raises(NotFound):
        await core.container.users.delete_user()(await superuser(core), ann.id)


async def test_only_superusers_list_and_create_accounts(core) -> None:
    ann, root = await core.register(), await superuser(core)
    with pytest.raises(PermissionDenied):
        await core.container.users.list_users()(ann, UserFilter(), PageRequest())
    with pytest.raises(PermissionDenied):
        await core.container.users.create_user()(
            ann, NewAccount(email="x@example.com", name="X", password=PASSWORD)
        )
    created = await core.container.users.create_user()(
        root, NewAccount(email="x@example.com", name="X", password=PASSWORD, is_active=False)
    )
    page = await core.container.users.list_users()(root, UserFilter(is_active=False), PageRequest())
    assert [u.id for u in page.items] == [created.id] and page.total == 1


async def test_an_unknown_account_is_not_found_for_superusers(core) -> None:
    root = await superuser(core)
    with pytest.raises(NotFound):
        await core.container.users.get_user()(root, uuid.uuid4())
    with pytest.raises(NotFound):
        await core.container.users.update_user()(root, uuid.uuid4(), UserChanges(name="X"))


class RecordingHook:
    """A resource's account-deletion hook that records what it was asked to do."""

    def __init__(self) -> None:
        self.collected: list[uuid.UUID] = []
        self.discarded: list[list[str]] = []

    async def collect(self, uow, user: User) -> list[str]:
        assert await uow.users.get(user.id) is not None  # still there: before the delete
        self.collected.append(user.id)
        return [f"things/{user.id.hex}"]

    async def discard(self, keys: list[str]) -> None:
        self.discarded.append(keys)


async def test_registered_hooks_collect_before_and_discard_after_the_deletion(core) -> None:
    hook = RecordingHook()
    core.container.account_deletion_hooks.add_args(hook)
    ann = await core.register()
    await core.container.users.delete_user()(ann, ann.id)
    assert hook.collected == [ann.id]
    assert hook.discarded == [[f"things/{ann.id.hex}"]]
    assert await core.user(ann.id) is None


async def test_a_refused_deletion_discards_nothing(core) -> None:
    hook = RecordingHook()
    core.container.account_deletion_hooks.add_args(hook)
    root = await superuser(core)
    with pytest.raises(LastSuperuser):
        await core.container.users.delete_user()(root, root.id)
    assert hook.discarded == []
