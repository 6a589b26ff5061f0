"""`m2c bench`: the meter-to-cash cycle of one month at a chosen scale, timed stage by stage.

A sample utility is generated into a scratch folder and a fresh database on the server in use. The
months before the last are billed and closed first (set-up, not timed); then the last month's cycle
is timed: ingest its files, VEE + usage, charges + invoices, payments + aging + ledger (each dbt model's
time from run_results.json, its stage from its domain tag), data tests, exports, close. A pandas baseline
prices the same month from the same inputs and must give identical invoice totals.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil
import psycopg

from core import closing, db, settings
from core import dbt as core_dbt
from core import policy as core_policy
from core.control import ensure_control_schemas
from core.periods import month_add
from devtools import baseline, generator
from ingestion.loader import ingest_landing

# A period's dbt models by the domain tag each carries (dbt_project.yml).
STAGE_OF_DOMAIN = {
    "usage": "VEE + usage",
    "billing": "charges + invoices",
    "receivables": "payments + aging + ledger",
    "ledger": "payments + aging + ledger",
}
DATA_TESTS = "data tests"
# The table whose rows a stage reports.
ROWS_OF = {
    "VEE + usage": "int_meter_periods",
    "charges + invoices": "int_invoice_lines",  # fct_invoice_lines is a view (D126): no rows of its own
    "payments + aging + ledger": "fct_gl_journal",
}


@dataclass
class Stage:
    name: str
    seconds: float
    rows: int | None = None
    python_peak_mib: float | None = None
    postgres_peak_mib: float | None = None
    counted: bool = True

    @property
    def rows_per_second(self) -> float | None:
        return self.rows / self.seconds if self.rows and self.seconds else None


class PostgresMemory(threading.Thread):
    """Samples the summed RSS of the server's processes (embedded server only) every 0.2 s."""

    def __init__(self, pid: int | None) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid) if pid else None
        self.peak = 0.0
        self.running = True

    def run(self) -> None:
        while self.running and self.process:
            try:
                rss = sum(p.memory_info().rss for p in [self.process, *self.process.children(recursive=True)])
                self.peak = max(self.peak, rss / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.2)

    def take_peak(self) -> float | None:
        peak, self.peak = self.peak, 0.0
        return round(peak, 1) if self.process else None


def python_peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(max(own, children), 1)


class Bench:
    def __init__(self, accounts: int, months: int, interval_meters: int, scratch: Path) -> None:
        self.accounts, self.months, self.interval_meters, self.scratch = accounts, months, interval_meters, scratch
        self.stages: list[Stage] = []
        self.bills: dict = {}
        self.slowest: list[tuple[str, float]] = []
        # Every dbt node of the timed period with its stage: two runs compare node by node (issue 17's limit).
        self.nodes: list[dict] = []
        self.server_url = db.database_url()
        self.name = f"bench_{datetime.now(UTC):%Y%m%d%H%M%S}"
        self.url = self.create_database()
        pid_file = settings.pgdata_dir() / "postmaster.pid"
        pid = int(pid_file.read_text().split()[0]) if not db.external_url() and pid_file.exists() else None
        self.memory = PostgresMemory(pid)
        self.memory.start()
        self.policy = core_policy.load()

    def create_database(self) -> str:
        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(f'create database "{self.name}"')
        dbname = db.connection_parts(self.server_url)["dbname"]
        url = self.server_url.replace(f"/{dbname}", f"/{self.name}", 1)
        with psycopg.connect(url) as conn:
            ensure_control_schemas(conn)
        return url

    def timed(self, name: str, action, rows=None, counted: bool = True):
        self.memory.take_peak()
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
        stage = Stage(
            name, round(seconds, 2), rows(result) if rows else None, python_peak_mib(), self.memory.take_peak(), counted
        )
        self.stages.append(stage)
        print(f"  {name:<28}{seconds:>9.1f} s", flush=True)
        return result

    def dbt(self, *args: str, period: str | None = None) -> dict:
        """Run dbt on the bench database; its run results, each with the node's tags from the manifest."""
        target = self.scratch / "dbt-target"
        command = [
            core_dbt.executable(),
            *core_dbt.dbt_args(
                *args, *core_dbt.WITHOUT_UNIT_TESTS, policy=self.policy, period=period, target_path=target
            ),
        ]
        env = {**os.environ, **db.dbt_env(self.url)}
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        (self.scratch / "dbt.log").open("a").write(done.stdout + done.stderr)
        if done.returncode:
            errors = [line for line in done.stdout.splitlines() if "Error" in line or "error" in line]
            raise RuntimeError(f"dbt {' '.join(args)} failed: " + " | ".join(errors[-5:]))
        nodes = json.loads((target / "manifest.json").read_text())["nodes"]
        results = json.loads((target / "run_results.json").read_text())
        # Models, seeds and tests are timed; exposures (the apps, the exports) have results but no work.
        results["results"] = [r for r in results["results"] if r["unique_id"] in nodes]
        for result in results["results"]:
            result["tags"] = nodes[result["unique_id"]]["tags"]
        return results

    def ingest(self, landing: Path, folders: list[str] | None = None) -> int:
        with psycopg.connect(self.url) as conn:
            results = ingest_landing(conn, landing, folders, timezone_name=self.policy["timezone"])
        return sum(t.rows_loaded for r in results for t in r.targets)

    def run(self) -> dict:
        landing = self.scratch / "landing"
        summary = self.timed(
            "generate (not counted)",
            lambda: generator.generate(
                landing, accounts=self.accounts, months=self.months, interval_meters=self.interval_meters
            ),
            counted=False,
        )
        periods = [f"{p}" for p in generator_periods(self.months)]
        last = periods[-1]
        held = self.scratch / "held"
        for path in sorted(landing.rglob(f"*{last}*")):
            target = held / path.relative_to(landing)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)

        def setup() -> None:
            self.ingest(landing)
            self.dbt("build", "--exclude", "tag:billing_period")
            for period in periods[:-1]:
                self.dbt("build", "--select", "tag:billing_period", period=period)
                with psycopg.connect(self.url) as conn:
                    closing.close_period(conn, period, closed_by="m2c bench")

        self.timed(f"history: {len(periods) - 1} months (not counted)", setup, counted=False)
        shutil.copytree(held, landing, dirs_exist_ok=True)
        self.timed("ingest interval reads", lambda: self.ingest(landing, ["readings/interval"]), rows=lambda n: n)
        self.timed("ingest other files", lambda: self.ingest(landing), rows=lambda n: n)
        self.timed("reference models", lambda: self.dbt("build", "--exclude", "tag:billing_period"))
        started = time.perf_counter()
        self.memory.take_peak()
        # One thread, so the models' times add up to the stages (production runs use two).
        results = self.dbt("build", "--select", "tag:billing_period", "--threads", "1", period=last)
        wall = time.perf_counter() - started
        self.record_dbt(results, wall)
        self.timed("exports", lambda: export(self.url, last, self.scratch / "exports"))
        self.timed("period close", lambda: close(self.url, last))
        self.bills = self.timed_bills(last)

        def compare() -> baseline.BaselineResult:
            with psycopg.connect(self.url) as conn:
                return baseline.compare(conn, last, baseline.compute(conn, last))

        base = self.timed("pandas baseline (not counted)", compare, counted=False)
        charges = next(s for s in self.stages if s.name == "charges + invoices")
        return self.report(summary, last, base, charges)

    def timed_bills(self, period: str) -> dict:
        """The customer bills of the closed period, rendered in parallel processes (its own stage, not counted in
        the cycle's total): bills per second and the peak memory of this process and its workers together."""
        from exports.bills.batch import render_period

        sampler = PostgresMemory(os.getpid())  # sums the RSS of a process and its children
        sampler.start()
        try:
            result = self.timed(
                "customer bills (not counted)",
                lambda: render_period(period, url=self.url, out_dir=self.scratch / "bills", policy=self.policy),
                rows=lambda done: done.bills,
                counted=False,
            )
        finally:
            sampler.running = False
        return {
            "bills": result.bills,
            "pages": result.pages,
            "notices": result.notices,
            "emails": result.emails,  # written by the rendering workers, inside render_seconds (D125)
            "render_seconds": round(result.render_seconds, 2),
            "print_seconds": round(result.print_seconds, 2),
            "bills_per_second": round(result.bills_per_second, 1),
            "peak_memory_mib": round(sampler.peak, 1),
        }

    def record_dbt(self, results: dict, wall: float) -> None:
        by_stage: dict[str, float] = {}
        rows: dict[str, int] = {}
        self.nodes = []
        for result in results["results"]:
            name = result["unique_id"].split(".")[-1]
            if result["unique_id"].startswith("test."):
                stage = DATA_TESTS
            else:
                stage = STAGE_OF_DOMAIN[core_dbt.domain(result["tags"])]
                rows[name] = (result.get("adapter_response") or {}).get("rows_affected")
            by_stage[stage] = by_stage.get(stage, 0.0) + result["execution_time"]
            self.nodes.append({"name": name, "stage": stage, "seconds": round(result["execution_time"], 2)})
        self.slowest = [(n["name"], n["seconds"]) for n in sorted(self.nodes, key=lambda n: -n["seconds"])[:10]]
        peak = self.memory.take_peak()
        for stage in (*dict.fromkeys(STAGE_OF_DOMAIN.values()), DATA_TESTS):
            self.stages.append(
                Stage(
                    stage, round(by_stage.get(stage, 0.0), 2), rows.get(ROWS_OF.get(stage, "")), python_peak_mib(), peak
                )
            )
        overhead = wall - sum(by_stage.values())
        self.stages.append(Stage("dbt start-up + parse", round(overhead, 2), None, python_peak_mib(), peak))
        for stage in self.stages[-5:]:
            print(f"  {stage.name:<28}{stage.seconds:>9.1f} s", flush=True)

    def report(self, summary, period: str, base: baseline.BaselineResult, charges: Stage) -> dict:
        counted = [s for s in self.stages if s.counted]
        total = round(sum(s.seconds for s in counted), 1)
        interval = next(s for s in self.stages if s.name == "ingest interval reads")
        vee = next(s for s in self.stages if s.name == "VEE + usage")
        interval_rate = (interval.rows or 0) / (interval.seconds + vee.seconds) * 3600 if interval.rows else None
        result = {
            "accounts": self.accounts,
            "months": self.months,
            "interval_meters": self.interval_meters,
            "period": period,
            "machine": machine(),
            "generated": {
                "accounts": summary.accounts,
                "meters": summary.meters,
                "readings": summary.readings,
                "interval_reads": summary.interval_readings,
                "payments": summary.payments,
            },
            "stages": [{**asdict(s), "rows_per_second": s.rows_per_second} for s in self.stages],
            "total_seconds": total,
            "slowest_dbt_nodes": [{"name": name, "seconds": seconds} for name, seconds in self.slowest],
            "dbt_nodes": self.nodes,
            "interval_reads_per_hour": round(interval_rate) if interval_rate else None,
            "baseline": {
                "invoices_compared": base.invoices_compared,
                "invoices_matching": base.invoices_matching,
                "mismatches": [[i, str(a), str(b)] for i, a, b in base.mismatches],
                "pandas_seconds": next(s.seconds for s in self.stages if s.name.startswith("pandas")),
                "sql_charges_seconds": charges.seconds,
            },
            "bills": self.bills,
        }
        return result


def generator_periods(months: int, start: str = "2024-01") -> list[str]:
    first = datetime.strptime(f"{start}-01", "%Y-%m-%d").date()
    return [f"{month_add(first, i):%Y-%m}" for i in range(months)]


def export(url: str, period: str, out: Path):
    from exports.period import export_period

    return export_period(period, url=url, out_dir=out)


def close(url: str, period: str):
    with psycopg.connect(url) as conn:
        return closing.close_period(conn, period, closed_by="m2c bench")


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return f"{os.cpu_count()} CPUs, {memory:.0f} GiB RAM, {sys.platform}, Python {sys.version.split()[0]}"


def table(result: dict) -> str:
    lines = [
        f"m2c bench: {result['accounts']:,} accounts, {result['months']} months ({result['period']} timed), "
        f"{result['interval_meters']:,} interval meters; {result['machine']}",
        f"{'stage':<34}{'seconds':>9}{'rows':>12}{'rows/s':>11}{'python MiB':>12}{'postgres MiB':>14}",
    ]
    for s in result["stages"]:
        rate = f"{s['rows_per_second']:,.0f}" if s["rows_per_second"] else ""
        lines.append(
            f"{s['name']:<34}{s['seconds']:>9.1f}{(s['rows'] or 0):>12,}{rate:>11}"
            f"{s['python_peak_mib'] or 0:>12,.0f}{s['postgres_peak_mib'] or 0:>14,.0f}"
        )
    lines.append(f"{'total (ingest -> close)':<34}{result['total_seconds']:>9.1f}")
    base = result["baseline"]
    lines.append(
        f"pandas baseline: {base['invoices_matching']:,} of {base['invoices_compared']:,} invoices identical; "
        f"pandas {base['pandas_seconds']:.1f} s vs SQL charges + invoices {base['sql_charges_seconds']:.1f} s "
        f"({base['pandas_seconds'] / max(base['sql_charges_seconds'], 0.01):.1f}x)"
    )
    bills = result.get("bills")
    if bills:
        lines.append(
            f"customer bills: {bills['bills']:,} bills ({bills['pages']:,} pages) at {bills['bills_per_second']:,.0f} "
            f"bills/s rendering and print files (goal 280); peak memory with workers "
            f"{bills['peak_memory_mib']:,.0f} MiB (goal 2,048)"
        )
    if result["interval_reads_per_hour"]:
        lines.append(f"interval reads through ingest + VEE + usage: {result['interval_reads_per_hour']:,} per hour")
    slowest = ", ".join(f"{node['name']} {node['seconds']:.1f} s" for node in result["slowest_dbt_nodes"][:5])
    lines.append(f"slowest dbt nodes of the period: {slowest}")
    return "\n".join(lines)


def run(accounts: int, months: int, interval_meters: int, out: Path | None, keep: bool) -> dict:
    settings.home().mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="m2c-bench-", dir=settings.home()))
    bench = Bench(accounts, months, interval_meters, scratch)
    try:
        result = bench.run()
    finally:
        bench.memory.running = False
        if not keep:
            with psycopg.connect(bench.server_url, autocommit=True) as conn:
                conn.execute(f'drop database if exists "{bench.name}" with (force)')
            shutil.rmtree(scratch, ignore_errors=True)
    path = out or settings.home() / "bench" / f"bench_{accounts}_{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    result["json_path"] = str(path)
    return result
