"""/metrics: request counts and durations by method, route template and status."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi import APIRouter
from prometheus_client.parser import text_string_to_metric_families

from tests.support.api import signed_up


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float | None:
    return samples(text).get((name, frozenset(labels.items())))


@pytest.fixture
async def client_with_ids(client):
    """The app plus a router with a path parameter, included under the API prefix the way
    the real routers are."""
    router = APIRouter(prefix="/test-things")

    @router.get("/{thing_id}")
    async def read_thing(thing_id: uuid.UUID) -> dict[str, str]:
        return {"id": str(thing_id)}

    client.app.include_router(router, prefix="/api/v1")
    return client


async def test_requests_are_counted_by_route_template_not_raw_path(client_with_ids):
    ids = [uuid.uuid4() for _ in range(3)]
    for thing_id in ids:
        assert (await client_with_ids.get(f"/api/v1/test-things/{thing_id}")).status_code == 200
    assert (await client_with_ids.get("/api/v1/test-things/not-a-uuid")).status_code == 422

    text = (await client_with_ids.get("/metrics")).text
    route = "/api/v1/test-things/{thing_id}"
    assert value(text, "http_requests_total", method="GET", route=route, status="200") == 3
    assert value(text, "http_requests_total", method="GET", route=route, status="422") == 1
    count = "http_request_duration_seconds_count"
    assert value(text, count, method="GET", route=route, status="200") == 3
    for thing_id in ids:
        assert str(thing_id) not in text


async def test_real_routes_and_statuses(client):
    _, headers = await signed_up(client)
    await client.get("/api/v1/users/me", headers=headers)
    await client.get("/api/v1/users/me")
    text = (await client.get("/metrics")).text
    me = "/api/v1/users/me"
    assert value(text, "http_requests_total", method="GET", route=me, status="200") == 1
    assert value(text, "http_requests_total", method="GET", route=me, status="401") == 1
    assert (
        value(text, "http_requests_total", method="POST", route="/api/v1/auth/login", status="200")
        == 1
    )


async def test_unmatched_paths_share_one_label(client):
    for n in range(5):
        assert (await client.get(f"/no/such/page/{n}")).status_code == 404
    text = (await client.get("/metrics")).text
    assert value(text, "http_requests_total", method="GET", route="<unmatched>", status="404") == 5
    assert "/no/such/page" not in text


async def test_invented_methods_share_one_label(client):
    await client.request("FROBNICATE", "/health")
    text = (await client.get("/metrics")).text
    assert value(text, "http_requests_total", method="OTHER", route="/health", status="405") == 1


async def test_requests_refused_before_routing_still_get_their_route(make_client, sqlite_url):
    client = await make_client(sqlite_url, max_body_bytes=10)
    response = await client.post("/api/v1/auth/register", json={"email": "x" * 50})
    assert response.status_code == 413
    text = (await client.get("/metrics")).text
    assert (
        value(
            text, "http_requests_total", method="POST", route="/api/v1/auth/register", status="413"
        )
        == 1
    )


async def test_in_flight_and_database_pool_gauges(client):
    text = (await client.get("/metrics")).text
    assert value(text, "http_requests_in_flight") == 1  # the scrape itself
    assert value(text, "db_pool_size_connections") == 5  # SQLAlchemy's default for SQLite
    engine = client.container.core.engine()
    async with engine.connect(), engine.connect():
        held = value((await client.get("/metrics")).text, "db_pool_checked_out_connections")
    # Two held here, plus whatever a background task has at that moment.
    assert held is not None and held >= 2


async def test_the_memory_backend_has_no_pool_gauges(make_client):
    client = await make_client("memory://")
    text = (await client.get("/metrics")).text
    assert "http_requests_in_flight" in text
    assert "db_pool" not in text


async def test_each_app_counts_only_its_own_requests(make_client, sqlite_url):
    first = await make_client(sqlite_url)
    second = await make_client("memory://")
    for _ in range(3):
        await first.get("/health")
    await second.get("/health")
    ok = {"method": "GET", "route": "/health", "status": "200"}
    assert value((await first.get("/metrics")).text, "http_requests_total", **ok) == 3
    assert value((await second.get("/metrics")).text, "http_requests_total", **ok) == 1


async def test_the_endpoint_speaks_prometheus_and_stays_out_of_the_schema(client):
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert re.search(r"^# TYPE http_requests_total counter$", response.text, re.M)
    assert re.search(r"^# TYPE http_request_duration_seconds histogram$", response.text, re.M)
    assert "/metrics" not in (await client.get("/openapi.json")).json()["paths"]


async def test_metrics_can_be_turned_off(make_client, sqlite_url):
    client = await make_client(sqlite_url, metrics_enabled=False)
    assert (await client.get("/metrics")).status_code == 404
    # The other conventions stay.
    assert (await client.get("/health")).headers["X-Request-ID"]
