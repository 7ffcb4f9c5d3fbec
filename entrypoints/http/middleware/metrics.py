"""Counts and times every request for /metrics, labelled by method, route template, status."""

from __future__ import annotations

from starlette.types import Scope

from entrypoints.http.metrics import HttpMetrics
from entrypoints.http.middleware.routes import route_template

# Anything else a client invents is one label value, so label sets stay bounded.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def count_request(metrics: HttpMetrics, scope: Scope, status: int, seconds: float) -> None:
    method = scope["method"] if scope["method"] in KNOWN_METHODS else "OTHER"
    metrics.observe(method, route_template(scope), status, seconds)
