"""Database pool usage for /metrics: connections checked out, and the pool's size."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import Gauge
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event

CHECKED_OUT = "db_pool_checked_out_connections"
CHECKED_OUT_HELP = "Database connections in use (checked out of the pool)."
SIZE = "db_pool_size_connections"
SIZE_HELP = "Connections the database pool keeps (overflow not counted)."


class PoolCollector(Collector):
    """Reads the pool when scraped, so requests pay nothing for it."""

    def __init__(self, pool_of: Callable[[], Any]) -> None:
        self._pool_of = pool_of

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pool = self._pool_of()
        if not hasattr(pool, "checkedout"):  # pools without a size (SQLite in memory)
            return
        yield GaugeMetricFamily(CHECKED_OUT, CHECKED_OUT_HELP, value=pool.checkedout())
        yield GaugeMetricFamily(SIZE, SIZE_HELP, value=pool.size())


class SharedPoolGauges:
    """With several workers a scrape reaches one of them, so each worker keeps its pool's
    usage in multiprocess gauges (summed over live workers) from the pool's own events."""

    def __init__(self, pool: Any) -> None:
        # No registry: in multiprocess mode the samples live in files, read back at scrape.
        checked_out = Gauge(
            CHECKED_OUT, CHECKED_OUT_HELP, registry=None, multiprocess_mode="livesum"
        )
        size = Gauge(SIZE, SIZE_HELP, registry=None, multiprocess_mode="livesum")
        if not hasattr(pool, "checkedout"):
            return
        size.set(pool.size())
        event.listen(pool, "checkout", lambda *_: checked_out.inc())
        event.listen(pool, "checkin", lambda *_: checked_out.dec())
