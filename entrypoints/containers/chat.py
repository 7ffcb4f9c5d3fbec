"""Chat rooms: the Broadcaster (in-process, or PostgreSQL LISTEN/NOTIFY when the database is
PostgreSQL, so every worker and host sees the same rooms), this process's rooms, and the
history's use cases."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.asyncpg.chat import PostgresBroadcaster
from adapters.memory.chat import InProcessBroadcaster
from application.chat.messages import ListMessages, PruneMessages, SendMessage
from application.chat.rooms import Rooms
from entrypoints.http.schemas.chat import render_event


class ChatContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    # In-process on SQLite and memory: one worker serves every room there.
    broadcaster = providers.Selector(
        core.database_kind,
        memory=providers.Singleton(InProcessBroadcaster),
        sqlite=providers.Singleton(InProcessBroadcaster),
        postgresql=providers.Singleton(
            PostgresBroadcaster,
            core.settings.provided.database_url,
            timeout=core.settings.provided.db_timeout_seconds,
        ),
    )
    rooms = providers.Singleton(Rooms, broadcaster, render_event)

    send_message = providers.Factory(
        SendMessage, uow=core.uow.provider, broadcaster=broadcaster, clock=core.clock
    )
    list_messages = providers.Factory(ListMessages, uow=core.uow.provider, paginator=core.paginator)
    prune_messages = providers.Factory(
        PruneMessages,
        uow=core.uow.provider,
        clock=core.clock,
        days=core.settings.provided.chat_history_days,
    )
