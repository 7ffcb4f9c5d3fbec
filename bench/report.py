"""The run's figures: medians over rounds, the ratios the targets are about, as Markdown."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench.seed import Seeded
from bench.support import LOAD_CPU, SERVER_CPU, LoadResult

MIB = 1024 * 1024
PACKAGES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "pydantic",
    "asyncpg",
    "sqlalchemy",
    "pyjwt",
)


@dataclass(frozen=True)
class Ratio:
    """figure = numerator's median / denominator's median (of req/s, or of p99 when `p99`)."""

    title: str
    numerator: str
    denominator: str
    target: str = ""  # ">= 0.8", "<= 5"; empty for figures shown for information
    p99: bool = False


RATIOS = (
    Ratio("GET /health / bare FastAPI", "health", "bare", ">= 0.8"),
    Ratio("GET /users/me / bare FastAPI", "users_me", "bare", ">= 0.30"),
    Ratio("GET /users/me / asyncpg by hand", "users_me", "asyncpg", ">= 0.95"),
    Ratio("asyncpg by hand / bare FastAPI (the ceiling)", "asyncpg", "bare"),
    Ratio("products page 1 / GET /users/me", "products_p1", "users_me", ">= 0.6"),
    Ratio("products deep page / page 1", "products_deep", "products_p1"),
    Ratio(
        "products cursor, deep / cursor page 2",
        "products_cursor_deep",
        "products_cursor_1",
        ">= 0.9",
    ),
    Ratio("public posts list / GET /users/me", "posts", "users_me"),
    Ratio("POST /items / GET /users/me", "items_create", "users_me", ">= 0.5"),
    Ratio("POST /orders (hot product) / GET /users/me", "orders_hot", "users_me"),
    Ratio(
        "GET /health p99, login flood / at rest", "health_flood", "health_rest", "<= 5", p99=True
    ),
    Ratio("SQLite GET /users/me / bare FastAPI", "sqlite_users_me", "bare"),
    Ratio("SQLite POST /items / SQLite GET /users/me", "sqlite_items_create", "sqlite_users_me"),
)


class Report:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.started = datetime.now(UTC)
        self.load_at_start = os.getloadavg()
        self.titles: dict[str, str] = {}
        self.results: dict[str, list[LoadResult]] = {}
        self.skipped: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.extra: list[tuple[str, str, str, str]] = []  # figure, value, target, verdict
        self.seed_line = ""
        self.postgres = "?"

    # -- collecting --------------------------------------------------------------------

    def add(self, key: str, title: str, result: LoadResult) -> None:
        self.titles[key] = title
        self.results.setdefault(key, []).append(result)

    def skip(self, title: str, reason: str) -> None:
        print(f"skipped: {title}: {reason}", flush=True)
        self.skipped.append((title, reason))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def seeded(self, seeded: Seeded, seconds: float) -> None:
        def shown(value: int | str) -> str:
            return f"{value:,}" if isinstance(value, int) else f"none ({value})"

        self.seed_line = (
            f"{seeded.users:,} users, {shown(seeded.products)} products,"
            f" {shown(seeded.posts)} posts (seed {self.args.seed}, by SQL in {seconds:.0f} s)"
        )

    def database_version(self, text: str) -> None:
        self.postgres = text

    def memory(self, title: str, rss_kib: int, peak_kib: int) -> None:
        peak = peak_kib / 1024
        self.extra.append(
            (
                f"peak RSS, {title}",
                f"{peak:.0f} MiB (now {rss_kib / 1024:.0f} MiB)",
                "<= 150 MiB",
                _verdict(peak <= 150),
            )
        )

    def growth(self, first_kib: int, second_kib: int) -> None:
        grown = (second_kib - first_kib) / first_kib * 100 if first_kib else float("nan")
        self.extra.append(
            (
                "RSS growth across two runs of GET /users/me",
                f"{grown:+.1f} % ({first_kib / 1024:.0f} → {second_kib / 1024:.0f} MiB)",
                "<= 5 %",
                _verdict(grown <= 5),
            )
        )

    def upload(self, result: LoadResult, size: int, peak_before: int, peak_after: int) -> None:
        self.add("upload", "POST /api/v1/files, one 10 MiB file (2 connections)", result)
        throughput = result.requests_per_second * size / MIB
        self.extra.append(("10 MiB upload throughput", f"{throughput:.0f} MiB/s", "", ""))
        self.extra.append(
            (
                "peak RSS around the uploads",
                f"{peak_before / 1024:.0f} → {peak_after / 1024:.0f} MiB",
                "<= 150 MiB",
                _verdict(peak_after / 1024 <= 150),
            )
        )

    def fanout(self, figures: dict[str, float]) -> None:
        self.extra.append(
            (
                f"WebSocket fan-out to {figures['members']:.0f} members",
                f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms"
                f" over {figures['deliveries']:.0f} deliveries",
                "",
                "",
            )
        )

    # -- figures -----------------------------------------------------------------------

    def median(self, key: str, attribute: str = "requests_per_second") -> float:
        return statistics.median(getattr(r, attribute) for r in self.results[key])

    def ratio_rows(self) -> list[tuple[str, str, str, str]]:
        rows = []
        for ratio in RATIOS:
            if ratio.numerator not in self.results or ratio.denominator not in self.results:
                continue
            attribute = "p99_ms" if ratio.p99 else "requests_per_second"
            value = self.median(ratio.numerator, attribute) / self.median(
                ratio.denominator, attribute
            )
            shown = f"{value:.2f}"
            if not ratio.p99:
                # The same figure from CPU per request, which other load moves far less.
                by_cpu = self.median(ratio.denominator, "cpu_us") / self.median(
                    ratio.numerator, "cpu_us"
                )
                if by_cpu == by_cpu:  # not NaN
                    shown += f" (CPU: {by_cpu:.2f})"
            rows.append((ratio.title, shown, ratio.target, _judge(value, ratio.target)))
        if "users_me" in self.results:
            tail = self.median("users_me", "p99_ms") / self.median("users_me", "p50_ms")
            rows.append(("GET /users/me p99 / p50", f"{tail:.2f}", "<= 3", _judge(tail, "<= 3")))
        return rows

    def markdown(self) -> str:
        finished = datetime.now(UTC)
        lines = [
            f"# hexapi benchmark, {self.started:%Y-%m-%d %H:%M} UTC",
            "",
            f"- command: `python -m bench {' '.join(self.args.argv_shown)}`"
            if hasattr(self.args, "argv_shown")
            else "- command: `python -m bench`",
            f"- rounds: {self.args.rounds} x {self.args.seconds:g} s per load (after a"
            f" {self.args.warmup:g} s warm-up), wrk 1 thread, {self.args.connections} connections"
            " unless stated; figures are medians over the rounds, ratios are ratios of medians",
            f"- scale: {self.seed_line}",
            f"- machine: {_cpu()}, {os.cpu_count()} CPUs, {platform.system()}"
            f" {platform.release()}; load average {_load(self.load_at_start)} at the start,"
            f" {_load(os.getloadavg())} at the end",
            f"- pinning: servers on CPU {SERVER_CPU}, wrk on CPU {LOAD_CPU}; one worker each",
            f"- versions: Python {platform.python_version()}, PostgreSQL {self.postgres},"
            f" {_versions()}, {_wrk_version()}; hexapi at {_commit()}",
            f"- duration: {(finished - self.started).total_seconds() / 60:.1f} min",
            "",
            "The machine is shared with other work, so absolute requests/s are noisy; the"
            " baselines run in the same rounds, alternating with hexapi, so drift hits both,"
            " and the ratios are what to compare. Each ratio is also given from the server's"
            " CPU time per request (user + system, from /proc, over the same wrk runs), which"
            " other load on the machine moves far less than requests/s; the targets are"
            " judged on requests/s, as specified.",
            "",
            "## Loads",
            "",
            "| load | server | req/s | p50 ms | p99 ms | CPU us/req | non-2xx | rounds |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for key, results in self.results.items():
            server = "hexapi" if not key.startswith(("bare", "asyncpg")) else "baseline"
            if key.startswith("sqlite"):
                server = "hexapi (SQLite)"
            lines.append(
                f"| {self.titles[key]} | {server} | {self.median(key):,.0f}"
                f" | {self.median(key, 'p50_ms'):.2f} | {self.median(key, 'p99_ms'):.2f}"
                f" | {self.median(key, 'cpu_us'):.0f}"
                f" | {sum(r.non_2xx for r in results)} | {len(results)} |"
            )
        lines += ["", "## Targets", "", "| figure | value | target | |", "|---|---:|---|---|"]
        for row in [*self.ratio_rows(), *self.extra]:
            lines.append("| " + " | ".join(row) + " |")
        if self.skipped:
            lines += ["", "## Skipped", ""]
            lines += [f"- {title}: {reason}" for title, reason in self.skipped]
        if self.notes:
            lines += ["", "## Notes", ""]
            lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        kind = "quick" if self.args.quick else f"scale{self.args.scale:.0e}".replace("+0", "")
        path = folder / f"{self.started:%Y%m%d-%H%M}-{kind}.md"
        path.write_text(self.markdown())
        return path


def _judge(value: float, target: str) -> str:
    if not target:
        return ""
    operator, _, bound = target.partition(" ")
    met = value >= float(bound) if operator == ">=" else value <= float(bound)
    return _verdict(met)


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _load(values: tuple[float, float, float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            continue
    return ", ".join(found)


def _wrk_version() -> str:
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def _commit() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent,
    )
    return done.stdout.strip() or "unknown"
