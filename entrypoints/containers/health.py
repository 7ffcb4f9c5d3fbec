"""Operational checks: is the database there."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.memory.database_probe import InMemoryDatabaseProbe
from adapters.sqlalchemy.database_probe import SqlAlchemyDatabaseProbe
from application.health import CheckReadiness


class HealthContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    database_probe = providers.Selector(
        core.storage,
        memory=providers.Singleton(InMemoryDatabaseProbe),
        sqlalchemy=providers.Singleton(SqlAlchemyDatabaseProbe, core.engine),
    )
    check_readiness = providers.Factory(CheckReadiness, database=database_probe)
