"""The HTTP conventions every response follows, and the operational endpoint that counts them.

Kept apart from the routes so that `create_app(conventions=False)` can build the app without
them, which the middleware benchmark compares against.
"""

from __future__ import annotations

from fastapi import FastAPI

from entrypoints.container import Container
from entrypoints.http.metrics import HttpMetrics, install_metrics, metrics_for_process
from entrypoints.http.middleware.stack import install_middleware


def install_conventions(app: FastAPI, container: Container, *, api_prefix: str) -> None:
    settings = container.settings()
    metrics: HttpMetrics | None = None
    if settings.metrics_enabled:
        metrics = metrics_for_process()
        install_metrics(app, metrics)
        if settings.storage == "sqlalchemy":
            metrics.watch_pool(lambda: container.engine().sync_engine.pool)
    install_middleware(app, settings, api_prefix=api_prefix, metrics=metrics)
