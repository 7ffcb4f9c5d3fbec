"""Prometheus metrics of the HTTP API, and the /metrics endpoint that exposes them.

Each app owns its registry, so several apps in one process (tests) never share counters.
Under `hexapi serve --workers N` (N > 1) the CLI points PROMETHEUS_MULTIPROC_DIR at a fresh
folder before the workers start; every worker then writes its samples there and a scrape,
whichever worker answers it, aggregates all of them.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from entrypoints.http.pool_metrics import PoolCollector, SharedPoolGauges

LABELS = ("method", "route", "status")
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_ENV))


class HttpMetrics:
    """Request counts, durations and the requests in flight (plus the pool, when SQL)."""

    def __init__(self, *, multiprocess_dir: str | None = None) -> None:
        self.multiprocess = multiprocess_dir is not None
        self.registry = CollectorRegistry()
        # In multiprocess mode the samples live in files; a scrape reads them all back.
        owner = None if self.multiprocess else self.registry
        self.requests = Counter(
            "http_requests_total", "HTTP requests answered.", LABELS, registry=owner
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time from a request's arrival to the end of its response.",
            LABELS,
            registry=owner,
        )
        self.in_flight = Gauge(
            "http_requests_in_flight",
            "HTTP requests being handled.",
            registry=owner,
            multiprocess_mode="livesum",
        )
        self.emails = Counter(
            "emails_total",
            "E-mails by outcome: sent, retried (a failed try) or failed (refused for good).",
            ("kind", "outcome"),
            registry=owner,
        )
        self.websockets = Gauge(
            "websocket_connections",
            "WebSocket connections open (chat members).",
            registry=owner,
            multiprocess_mode="livesum",
        )
        self.chat_messages = Counter(
            "chat_messages_broadcast_total",
            "Chat messages stored and broadcast to their room.",
            registry=owner,
        )
        self._children: dict[tuple[str, str, str], tuple[Any, Any]] = {}
        if self.multiprocess:
            # A worker's live gauges must not outlive it.
            atexit.register(multiprocess.mark_process_dead, os.getpid())

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, str(status))
        children = self._children.get(key)
        if children is None:  # labels() takes a lock; do it once per label set
            children = self._children[key] = (
                self.requests.labels(*key),
                self.duration.labels(*key),
            )
        children[0].inc()
        children[1].observe(seconds)

    def count_email(self, kind: str, outcome: str) -> None:
        self.emails.labels(kind, outcome).inc()

    def watch_pool(self, pool_of: Callable[[], Any]) -> None:
        """Report the SQLAlchemy pool returned by `pool_of`: read at scrape time, or, with
        several workers, kept in shared gauges that every worker's pool events update."""
        if self.multiprocess:
            SharedPoolGauges(pool_of())
        else:
            self.registry.register(PoolCollector(pool_of))

    def exposition(self) -> bytes:
        if not self.multiprocess:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)


def install_metrics(app: FastAPI, metrics: HttpMetrics) -> None:
    """GET /metrics (kept out of the OpenAPI schema, like the contract allows)."""

    async def read_metrics() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route("/metrics", read_metrics, methods=["GET"], include_in_schema=False)


def app_metrics(app: FastAPI) -> HttpMetrics | None:
    """The metrics `install_conventions` gave `app` (None when they are off)."""
    metrics: HttpMetrics | None = getattr(app.state, "metrics", None)
    return metrics


def metrics_for_process() -> HttpMetrics:
    return HttpMetrics(multiprocess_dir=os.environ.get(MULTIPROCESS_ENV) or None)
