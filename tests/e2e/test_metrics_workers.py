"""With several workers, /metrics adds up every worker's counts, whichever one is scraped."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.live_server import live_server

pytestmark = pytest.mark.e2e

ME = {"method": "GET", "route": "/api/v1/users/me", "status": "401"}


def _value(text: str, name: str, labels: dict[str, str] | None = None) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == (labels or {}):
                return sample.value
    return None


def test_counts_are_shared_by_the_workers_and_the_folder_is_removed(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    with live_server(tmp_path, workers=2, env={"TMPDIR": str(scratch)}) as server:
        for _ in range(30):  # a fresh connection each time, so both workers get some
            response = httpx.get(server.base_url + "/api/v1/users/me")
            assert response.status_code == 401
        scrapes = [httpx.get(server.base_url + "/metrics").text for _ in range(6)]
        for text in scrapes:
            assert _value(text, "http_requests_total", ME) == 30
            assert _value(text, "http_request_duration_seconds_count", ME) == 30
            # 5 per worker: only a sum over both workers' files gives 10.
            assert _value(text, "db_pool_size_connections") == 10
        assert [p.name for p in scratch.iterdir()], "the shared folder is in TMPDIR"
    assert list(scratch.iterdir()) == []
