"""Which route a request went to, as its template: labels and log fields of bounded size."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.types import Scope

UNMATCHED = "<unmatched>"


def route_template(scope: Scope) -> str:
    """`/api/v1/users/{user_id}`, never the raw path; UNMATCHED when no route fits.

    Routing leaves the chosen route in the scope: FastAPI keeps the route as included (with
    the prefixes of the routers it was included through) under its own key, Starlette the
    route object under "route". Requests answered before routing (a body over the limit, a
    CORS preflight) are matched here, which only they pay for.
    """
    fastapi_scope = scope.get("fastapi")
    route = fastapi_scope.get("effective_route_context") if fastapi_scope else None
    if route is None:
        route = scope.get("route") or _match(scope)
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) and template else UNMATCHED


def _match(scope: Scope) -> Any:
    path = scope["path"]
    # Under a server's --root-path the routes see the path without it; a mount, though,
    # extends root_path on its way in, and the full path is what the app's routes match.
    root = scope.get("root_path", "")
    paths = [path, path[len(root) :] or "/"] if root and path.startswith(root) else [path]
    routes = list(flattened(getattr(scope.get("app"), "routes", ())))
    for candidate in paths:
        for route in routes:
            regex = getattr(route, "path_regex", None)
            if regex is not None and regex.match(candidate):
                return route
    return None


def flattened(routes: Iterable[Any]) -> Iterable[Any]:
    """Every route with its full path, through included routers where FastAPI has them."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # a FastAPI that copies included routes with their full paths
        return routes
    return iter_route_contexts(list(routes))
