"""The composition root: one container per resource, composed here; which adapter plays
which port is decided by settings alone.

A resource adds its container with one line below (see README, "Adding a resource"). Routes
find use cases by their class (`entrypoints.http.dependencies.Use`), through `use_cases()`.
"""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from adapters.asyncpg.principals import AsyncpgPrincipalLookup
from adapters.storage.s3 import S3FileStorage
from entrypoints.containers.auth import AuthContainer
from entrypoints.containers.chat import ChatContainer
from entrypoints.containers.core import CoreContainer
from entrypoints.containers.email import EmailContainer
from entrypoints.containers.files import FilesContainer
from entrypoints.containers.health import HealthContainer
from entrypoints.containers.items import ItemsContainer
from entrypoints.containers.orders import OrdersContainer
from entrypoints.containers.posts import PostsContainer
from entrypoints.containers.products import ProductsContainer
from entrypoints.containers.users import UsersContainer
from entrypoints.housekeeping import Housekeeping
from entrypoints.settings import Settings


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    core = providers.Container(CoreContainer, settings=settings)

    health = providers.Container(HealthContainer, core=core)
    email = providers.Container(EmailContainer, core=core)
    auth = providers.Container(AuthContainer, core=core)
    # Resources: one line each, `name = providers.Container(NameContainer, core=core)`.
    products = providers.Container(ProductsContainer, core=core)
    orders = providers.Container(OrdersContainer, core=core)
    chat = providers.Container(ChatContainer, core=core)
    files = providers.Container(FilesContainer, core=core)
    items = providers.Container(ItemsContainer, core=core)
    posts = providers.Container(PostsContainer, core=core)

    # Hooks of resources that keep bytes outside the database for an account, run by the
    # account deletion (application.users.deletion.AccountDeletionHook): one line each.
    account_deletion_hooks = providers.List(
        files.owned_files,
    )
    users = providers.Container(
        UsersContainer, core=core, auth=auth, account_deletion_hooks=account_deletion_hooks
    )

    # Prunings of rows past their keeping, run by every `serve` worker and `hexapi worker`:
    # one line each.
    housekeeping = providers.Singleton(
        Housekeeping,
        chores=providers.List(
            orders.prune_idempotency_keys,
            chat.prune_messages,
            files.sweep_orphan_files,
        ),
    )


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)


def use_cases(container: Container) -> dict[type, providers.Provider[Any]]:
    """Every class a resource container builds with a Factory or Singleton, by class.

    Two providers of one class would make `Use[That]` ambiguous, so that is refused here,
    at start-up."""
    found: dict[type, providers.Provider[Any]] = {}
    for name, child in container.providers.items():
        if not isinstance(child, providers.Container) or name == "core":
            continue
        for provider in child.providers.values():  # type: ignore[attr-defined]
            if not isinstance(provider, providers.Factory | providers.Singleton):
                continue
            cls: object = provider.cls
            if not isinstance(cls, type):
                continue
            if cls in found and found[cls] is not provider:
                raise RuntimeError(f"two providers build {cls.__qualname__}; Use[] needs one")
            found[cls] = provider
    return found


async def close_container(container: Container) -> None:
    """Release pools and threads; safe to call whatever was used."""
    core = container.core
    if container.settings().storage == "sqlalchemy":
        await core.engine().dispose()
    principals = core.principals()
    if isinstance(principals, AsyncpgPrincipalLookup):
        await principals.close()
    core.hasher().close()
    file_storage = core.file_storage()
    if isinstance(file_storage, S3FileStorage):
        await file_storage.close()
