"""The items' use cases."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.items import CreateItem, DeleteItem, GetItem, ListItems, UpdateItem


class ItemsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    list_items = providers.Factory(ListItems, uow=core.uow.provider, paginator=core.paginator)
    get_item = providers.Factory(GetItem, uow=core.uow.provider)
    create_item = providers.Factory(CreateItem, uow=core.uow.provider, clock=core.clock)
    update_item = providers.Factory(UpdateItem, uow=core.uow.provider, clock=core.clock)
    delete_item = providers.Factory(DeleteItem, uow=core.uow.provider)
