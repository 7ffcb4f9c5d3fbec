"""The HTTP conventions every response follows, and the operational endpoint that counts them.

Kept apart from the routes so that `create_app(conventions=False)` can build the app without
them, which the middleware benchmark compares against.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from dependency_injector import providers
from fastapi import FastAPI

from entrypoints.containers import Container
from entrypoints.http.errors import error_model
from entrypoints.http.metrics import HttpMetrics, install_metrics, metrics_for_process
from entrypoints.http.middleware.stack import install_middleware


def install_conventions(app: FastAPI, container: Container, *, api_prefix: str) -> None:
    settings = container.settings()
    metrics: HttpMetrics | None = None
    if settings.metrics_enabled:
        metrics = metrics_for_process()
        install_metrics(app, metrics)
        app.state.metrics = metrics  # the WebSocket route counts its connections and messages
        container.email.email_outcomes.override(providers.Object(metrics.count_email))
        if settings.storage == "sqlalchemy":
            metrics.watch_pool(lambda: container.core.engine().sync_engine.pool)
    install_middleware(app, settings, api_prefix=api_prefix, metrics=metrics)
    _document_body_limit(app)


def _document_body_limit(app: FastAPI) -> None:
    """Every operation that takes a body can be refused by the body limit: say so in its
    OpenAPI entry, the way the routes document their own statuses."""
    build_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build_schema()
            model = error_model(413)
            schema["components"]["schemas"].setdefault(
                model.__name__, model.model_json_schema(mode="serialization")
            )
            entry = {
                "description": HTTPStatus.REQUEST_ENTITY_TOO_LARGE.phrase,
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}
                    }
                },
            }
            for operations in schema["paths"].values():
                for operation in operations.values():
                    if "requestBody" in operation:
                        operation["responses"].setdefault("413", entry)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
