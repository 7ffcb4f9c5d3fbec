"""`python -m bench` (or `make bench`): the throughput benchmarks, one after the other."""

from __future__ import annotations

import runpy
import sys

BENCHMARKS = ["bench.users_me", "bench.middleware_cost", "bench.user_search"]

if __name__ == "__main__":
    for module in BENCHMARKS:
        print(f"\n== {module}", flush=True)
        sys.argv = [module]
        try:
            runpy.run_module(module, run_name="__main__")
        except ImportError as exc:
            print(f"skipped: {exc}")
