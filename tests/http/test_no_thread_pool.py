"""No route and no dependency runs in the thread pool.

FastAPI runs a plain `def` endpoint or dependency in a worker thread: a hand-off per request
that cost a paginated listing about a quarter of its CPU (measured with `make bench`). Every
one of ours is `async def` and does no blocking work; the blocking work there is (password
hashing, files) goes through its own bounded executors.
"""

from __future__ import annotations

import inspect
from typing import Any

from fastapi.dependencies.models import Dependant

from entrypoints.http.app import create_app
from entrypoints.http.dependencies import _calls
from entrypoints.http.middleware.routes import flattened
from tests.conftest import settings_for


def _runs_on_the_loop(call: Any) -> bool:
    # A dependency may be an instance whose class defines `async def __call__`.
    return inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(type(call).__call__)


def test_every_endpoint_and_dependency_is_a_coroutine(tmp_path) -> None:
    app = create_app(settings_for("memory://", tmp_path))
    threaded = sorted(
        {
            f"{route.path}: {getattr(call, '__qualname__', call)!r}"
            for route in flattened(app.routes)
            if isinstance(getattr(route, "dependant", None), Dependant)
            for call in (route.dependant.call, *_calls(route.dependant))
            if call is not None and not _runs_on_the_loop(call)
        }
    )
    assert threaded == []
