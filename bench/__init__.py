"""Load benchmarks, run on demand (`make bench`). Results are ratios to a baseline measured in
the same run, never absolute thresholds: machines differ, ratios travel."""
