"""The application factory. Importing this module has no side effects."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI

from entrypoints.containers import Container, build_container, close_container
from entrypoints.http.conventions import install_conventions
from entrypoints.http.dependencies import install_use_cases
from entrypoints.http.docs import install_docs
from entrypoints.http.errors import install_error_handlers, responses
from entrypoints.http.openapi import install_openapi, operation_id
from entrypoints.http.routers import (  # one name per line: each resource adds its own
    auth,
    chat,
    files,
    health,
    items,
    orders,
    posts,
    products,
    users,
)
from entrypoints.logging import configure_logging, flush_logs
from entrypoints.settings import Settings

API_PREFIX = "/api/v1"
# Everything under the API needs the database, which may be unavailable (503 within 5 s).
NEEDS_DATABASE = responses(503)
log = logging.getLogger("hexapi")


def create_app(
    settings: Settings | None = None,
    container: Container | None = None,
    *,
    conventions: bool = True,
) -> FastAPI:
    """Build the ASGI app. With no arguments, settings come from the environment (this is the
    factory `hexapi serve` hands to uvicorn, once per worker). `conventions=False` leaves out
    the middleware and /metrics; only the middleware benchmark wants that."""
    container = container or build_container(settings or Settings())
    configure_logging(container.settings())
    app = FastAPI(
        title="hexapi",
        version=_version(),
        lifespan=_lifespan,
        generate_unique_id_function=operation_id,
        # Paths are exact: a trailing slash is 404, never a redirect built from the Host header.
        redirect_slashes=False,
        docs_url=None,  # offline pages instead: see entrypoints/http/docs.py
        redoc_url=None,
        # Metrics are Prometheus (/metrics) and logs are ours; FastAPI's native OpenTelemetry
        # would otherwise look its three providers up on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.container = container
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(auth.router, prefix=API_PREFIX, responses=NEEDS_DATABASE)
    app.include_router(users.router, prefix=API_PREFIX, responses=NEEDS_DATABASE)
    app.include_router(chat.router, prefix=API_PREFIX, responses=NEEDS_DATABASE)
    # Resources: one line each, `app.include_router(name.router, prefix=…, responses=…)`.
    app.include_router(products.router, prefix=API_PREFIX, responses=NEEDS_DATABASE)
    app.include_router(orders.router, prefix=API_PREFIX, responses=NEEDS_DATABASE)
    app.include_router(files.router, prefix=API_PREFIX, responses=NEEDS_DATABASE)
    app.include_router(items.router, prefix=API_PREFIX, responses=NEEDS_DATABASE)
    app.include_router(posts.router, prefix=API_PREFIX, responses=NEEDS_DATABASE)
    install_use_cases(app, container)  # fails here if a route asks for an unknown use case
    install_docs(app)
    install_openapi(app)
    if conventions:
        install_conventions(app, container, api_prefix=API_PREFIX)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    container: Container = app.state.container
    settings = container.settings()
    if settings.first_superuser_email and settings.first_superuser_password:
        created = await container.auth.ensure_superuser()(
            settings.first_superuser_email,
            settings.first_superuser_name,
            settings.first_superuser_password,
        )
        if created is not None:
            log.info("created the first superuser %s", created.email)
    # Objects made while importing and starting live as long as the process: take them out of
    # the collector's sight so full collections stay short under load.
    gc.collect()
    gc.freeze()
    delivery = container.email.email_delivery_loop()  # every worker sends queued e-mail
    delivery.start()
    housekeeping = container.housekeeping()  # and prunes what is past its keeping
    housekeeping.start()
    try:
        yield
    finally:
        await housekeeping.stop()
        await delivery.stop()
        await container.chat.rooms().close()  # members still here: 1001
        await close_container(container)
        flush_logs()  # the access lines still kept in the buffer


def _version() -> str:
    try:
        return version("hexapi")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"
