"""The posts' use cases."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.posts import DeletePost, GetPost, ListPosts, UpdatePost, WritePost


class PostsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    list_posts = providers.Factory(ListPosts, uow=core.uow.provider, paginator=core.paginator)
    get_post = providers.Factory(GetPost, uow=core.uow.provider)
    write_post = providers.Factory(WritePost, uow=core.uow.provider, clock=core.clock)
    update_post = providers.Factory(UpdatePost, uow=core.uow.provider, clock=core.clock)
    delete_post = providers.Factory(DeletePost, uow=core.uow.provider)
