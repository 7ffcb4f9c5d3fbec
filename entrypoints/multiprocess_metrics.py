"""The folder prometheus-client shares between workers (its multiprocess mode).

Set before uvicorn starts the workers, so each of them, importing prometheus-client afresh,
writes its samples there; fresh for every run, so no counts leak from an earlier one. This
module must not import prometheus-client: the library decides its mode when first imported.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

ENV = "PROMETHEUS_MULTIPROC_DIR"


def share_metrics_between(workers: int) -> None:
    if workers <= 1:
        # One process keeps its metrics in memory; an inherited folder would only mislead.
        os.environ.pop(ENV, None)
        return
    folder = tempfile.mkdtemp(prefix="hexapi-metrics-")
    os.environ[ENV] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
