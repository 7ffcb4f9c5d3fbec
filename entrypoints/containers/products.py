"""The catalogue's use cases."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.products import (
    CreateProduct,
    DeleteProduct,
    GetProduct,
    ListProducts,
    UpdateProduct,
)


class ProductsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    list_products = providers.Factory(ListProducts, uow=core.uow.provider, paginator=core.paginator)
    get_product = providers.Factory(GetProduct, uow=core.uow.provider)
    create_product = providers.Factory(CreateProduct, uow=core.uow.provider, clock=core.clock)
    update_product = providers.Factory(UpdateProduct, uow=core.uow.provider, clock=core.clock)
    delete_product = providers.Factory(DeleteProduct, uow=core.uow.provider, clock=core.clock)
