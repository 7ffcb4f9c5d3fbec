"""Routes get use cases by class (`Use[LogIn]`), checked when the app is built."""

# No `from __future__ import annotations`: the routes below annotate with a local class.

from types import SimpleNamespace

import pytest
from fastapi import APIRouter

import entrypoints.http.app as app_module
from application.auth.login import LogIn
from entrypoints.containers import build_container, use_cases
from entrypoints.http.app import create_app
from entrypoints.http.dependencies import Use
from entrypoints.http.middleware.routes import flattened
from tests.conftest import settings_for


class NobodyProvidesThis:
    """A use case no container builds."""


def router_asking_for(use_case: type) -> APIRouter:
    router = APIRouter()

    @router.get("/needs-it")
    async def needs_it(it: Use[use_case]) -> None:  # type: ignore[valid-type]
        return None

    return router


def test_create_app_refuses_a_route_whose_use_case_no_container_provides(
    tmp_path, monkeypatch
) -> None:
    unprovided = router_asking_for(NobodyProvidesThis)
    monkeypatch.setattr(app_module, "health", SimpleNamespace(router=unprovided))
    with pytest.raises(RuntimeError, match="/needs-it: NobodyProvidesThis"):
        create_app(settings_for("memory://", tmp_path))


def test_a_provided_use_case_is_accepted_and_built_per_request(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(app_module, "health", SimpleNamespace(router=router_asking_for(LogIn)))
    app = create_app(settings_for("memory://", tmp_path))
    route = next(r for r in flattened(app.routes) if r.path == "/needs-it")
    [dependency] = route.dependant.dependencies  # type: ignore[attr-defined]
    assert dependency.call.use_case is LogIn
    provider = app.state.use_cases[LogIn]
    assert isinstance(provider(), LogIn) and provider() is not provider()


def test_every_route_of_the_app_resolves_and_each_class_has_one_provider(tmp_path) -> None:
    container = build_container(settings_for("memory://", tmp_path))
    provided = use_cases(container)  # raises when two providers build one class
    assert provided[LogIn] is container.auth.log_in
    create_app(container=container)
