"""User administration, self-service changes, account deletion and profiles."""

from __future__ import annotations

from collections.abc import Sequence

from dependency_injector import containers, providers

from adapters.security.signing import HmacSigner
from application.users.admin import CreateUser, GetUser, ListUsers
from application.users.changes import ChangePassword, UpdateUser
from application.users.deletion import AvatarFiles, DeleteUser
from application.users.profiles import AvatarLinks, GetAvatar, GetProfile, SetAvatar, UpdateProfile


class UsersContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    auth = providers.DependenciesContainer()
    # What other resources do when an account goes, beyond the database's cascades
    # (application.users.deletion.AccountDeletionHook); the root container lists them.
    account_deletion_hooks = providers.Dependency(instance_of=Sequence, default=())  # type: ignore[type-abstract]
    avatar_files = providers.Singleton(AvatarFiles, core.file_storage)

    get_user = providers.Factory(GetUser, uow=core.uow.provider)
    list_users = providers.Factory(ListUsers, uow=core.uow.provider, paginator=core.paginator)
    create_user = providers.Factory(CreateUser, register=auth.register_user)
    update_user = providers.Factory(
        UpdateUser, uow=core.uow.provider, hasher=core.hasher, clock=core.clock
    )
    change_password = providers.Factory(
        ChangePassword, uow=core.uow.provider, hasher=core.hasher, clock=core.clock
    )
    delete_user = providers.Factory(
        DeleteUser,
        uow=core.uow.provider,
        hooks=providers.Callable(
            lambda own, others: [own, *others], avatar_files, account_deletion_hooks
        ),
    )
    get_profile = providers.Factory(GetProfile, uow=core.uow.provider)
    update_profile = providers.Factory(UpdateProfile, uow=core.uow.provider, clock=core.clock)
    set_avatar = providers.Factory(
        SetAvatar, uow=core.uow.provider, files=core.file_storage, clock=core.clock
    )
    avatar_links = providers.Singleton(
        AvatarLinks,
        signer=providers.Singleton(
            HmacSigner,
            secret_key=core.secret_key,
            previous_keys=core.previous_secret_keys,
            purpose="avatar link",
        ),
    )
    get_avatar = providers.Factory(
        GetAvatar, uow=core.uow.provider, files=core.file_storage, links=avatar_links
    )
