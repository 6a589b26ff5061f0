"""`m2c`: one command for the whole stack."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shlex
import sys
import time
from pathlib import Path
from typing import NoReturn

from core import db, settings
from core.periods import first_period, month_add, periods_between


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args) or 0
    except db.DatabaseError as exc:
        print(f"m2c: {exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="m2c", description="Meter-to-Cash: meter readings to cash.")
    commands = parser.add_subparsers(dest="command", required=True)

    database = commands.add_parser("db", help="the database in use (embedded PostgreSQL or M2C_DATABASE_URL)")
    database.add_argument("action", choices=["url", "start", "stop", "env"])
    database.set_defaults(handler=cmd_db)

    generate = commands.add_parser("generate", help="write a sample utility's landing files")
    add_sample_options(generate)
    generate.add_argument("--out", type=Path, default=None, help="folder to write (default: the landing folder)")
    generate.set_defaults(handler=cmd_generate)

    ingest = commands.add_parser("ingest", help="load the landing folder into the raw schema (through Dagster)")
    ingest.add_argument("--landing", type=Path, default=None, help="landing folder (default: $M2C_HOME/landing)")
    ingest.set_defaults(handler=cmd_ingest)

    build = commands.add_parser("build", help="rebuild the dbt staging, intermediate and dimension models")
    build.set_defaults(handler=cmd_build)

    run = commands.add_parser("run", help="ingest, rebuild reference models, and bill every open period up to a month")
    run.add_argument("--through", required=True, type=period_arg, help="last period to bill, YYYY-MM")
    run.add_argument(
        "--from",
        dest="first",
        type=period_arg,
        default=None,
        help="first period to bill (default: the first period with readings, or M2C_FIRST_PERIOD)",
    )
    run.add_argument("--skip-ingest", action="store_true", help="bill from what is already loaded")
    run.set_defaults(handler=cmd_run)

    close = commands.add_parser(
        "close", help="close a billing period: freeze it, store its checksum and write its finance exports"
    )
    close.add_argument("period", type=period_arg)
    close.set_defaults(handler=cmd_close)

    verify = commands.add_parser("verify", help="check every closed period's rows against the checksum stored at close")
    verify.set_defaults(handler=cmd_verify)

    export = commands.add_parser("export", help="write a period's finance exports (ledger workbook, CSVs, manifest)")
    export.add_argument("--period", required=True, type=period_arg)
    export.add_argument("--out", type=Path, default=None, help="folder for <period>/ (default: $M2C_HOME/exports)")
    export.set_defaults(handler=cmd_export)

    collect = commands.add_parser("collect", help="write a billed period's SEPA direct debit file (pain.008)")
    collect.add_argument("--period", required=True, type=period_arg)
    collect.add_argument("--out", type=Path, default=None, help="folder for <period>/collections/ (default: exports)")
    collect.set_defaults(handler=cmd_collect)
    bills = commands.add_parser(
        "bills", help="render a period's customer bills, dunning notices, print files and e-mails (nothing is sent)"
    )
    bills.add_argument("--period", required=True, type=period_arg)
    bills.add_argument("--out", type=Path, default=None, help="folder for <period>/ (default: $M2C_HOME/bills)")
    bills.add_argument("--workers", type=int, default=None, help="rendering processes (default: CPU count)")
    bills.add_argument("--reissue", metavar="INVOICE_ID", default=None, help="write one past bill, marked copy")
    bills.set_defaults(handler=cmd_bills)

    demo = commands.add_parser("demo", help="generate a sample utility and run the whole pipeline on it")
    add_sample_options(demo)
    demo.set_defaults(handler=cmd_demo)

    poll = commands.add_parser("poll", help="poll the registry's AMR meters over Modbus TCP now (through Dagster)")
    poll.add_argument(
        "--simulate",
        type=int,
        default=0,
        metavar="N",
        help="first put N of the registry's meters behind a local Modbus simulator (2 of them misbehave)",
    )
    poll.set_defaults(handler=cmd_poll)

    apps = commands.add_parser("apps", help="serve the Streamlit apps (executive analysis, exception review)")
    apps.add_argument("--port", type=int, default=8501)
    apps.add_argument("--address", default="127.0.0.1", help="interface to listen on (default: loopback only)")
    apps.set_defaults(handler=cmd_apps)

    bench = commands.add_parser("bench", help="time one month's meter-to-cash cycle at a chosen scale")
    bench.add_argument("--accounts", type=int, default=10_000)
    bench.add_argument("--months", type=int, default=3, help="months generated; all but the last are billed first")
    bench.add_argument("--interval-meters", type=int, default=100, help="meters with 15-minute reads")
    bench.add_argument("--json", type=Path, default=None, help="where to write the results (default: var/bench/)")
    bench.add_argument("--keep", action="store_true", help="keep the scratch folder and database")
    bench.set_defaults(handler=cmd_bench)

    ui = commands.add_parser("ui", help="open the Dagster UI (dagster dev) on this project")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(handler=cmd_ui)
    return parser


def period_arg(text: str) -> str:
    try:
        dt.date.fromisoformat(f"{text}-01")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a period: use YYYY-MM") from exc
    return text


def add_sample_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start", default="2024-01", help="first billing period, YYYY-MM")
    parser.add_argument("--interval-meters", type=int, default=10, help="meters with 15-minute AMI data")


def cmd_db(args: argparse.Namespace) -> int:
    if args.action == "stop":
        if db.external_url():
            print("M2C_DATABASE_URL is set: the external database is not m2c's to stop.")
            return 1
        print("stopped" if db.stop_embedded() else "the embedded database was not running")
        return 0
    url = db.database_url()
    if args.action == "env":  # for shells and tools that read dbt/profiles.yml: eval "$(m2c db env)"
        print("\n".join(f"export {key}={shlex.quote(value)}" for key, value in db.dbt_env(url).items()))
    else:
        print(url if args.action == "url" else f"running: {db.describe(url)}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from devtools.generator import generate

    out = (args.out or settings.landing_dir()).resolve()
    started = time.perf_counter()
    summary = generate(out, args.accounts, args.months, args.seed, args.start, args.interval_meters)
    print(
        f"generated {summary.accounts:,} accounts, {summary.meters:,} meters, {summary.readings:,} readings, "
        f"{summary.interval_readings:,} interval reads, {summary.payments:,} payments "
        f"in {len(summary.files)} files under {out} ({time.perf_counter() - started:.1f}s)"
    )
    return 0


def run_job(name: str, partition_key: str | None = None, landing: Path | None = None) -> bool:
    """Run a Dagster job in this process, recorded in DAGSTER_HOME so it shows in the UI.

    `landing` is passed as the run's resource configuration. The run's console output (dbt's log among
    it) goes to $M2C_HOME/logs/<job>.log; the terminal gets the outcome and the data checks.
    """
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.resources import resource_config

    settings.ensure_dagster_home()
    log_path = settings.home() / "logs" / f"{name}{'-' + partition_key if partition_key else ''}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    level = os.environ.get("M2C_LOG_LEVEL", "WARNING")
    with dg.DagsterInstance.get() as instance, log_path.open("w") as log, contextlib.redirect_stdout(log):
        result = defs.resolve_job_def(name).execute_in_process(
            instance=instance,
            partition_key=partition_key,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": level}}}} | resource_config(landing=landing),
        )
    checks = result.get_asset_check_evaluations()
    failed = [c for c in checks if not c.passed]
    if checks:
        print(f"{name}: {len(checks) - len(failed)} of {len(checks)} data checks passed")
    for check in failed:
        print(f"  FAILED {check.asset_key.to_user_string()} {check.check_name}: {check.description or ''}")
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(
                    f"m2c: step {event.step_key} failed: {event.step_failure_data.error.message.strip()}",
                    file=sys.stderr,
                )
        print(f"m2c: the run's log is in {log_path}", file=sys.stderr)
    return result.success


def cmd_ingest(args: argparse.Namespace) -> int:
    db.database_url()
    ok = run_job("ingest_landing", landing=args.landing)
    print_ingest_summary()
    return 0 if ok else 1


def cmd_build(_: argparse.Namespace) -> int:
    db.database_url()
    return 0 if run_job("build_reference_models") else 1


def first_billing_period() -> str:
    """The month after the earliest reading (that first read is every meter's baseline)."""
    with db.connect() as conn:
        earliest = (
            conn.execute("select min(read_at) from raw.readings where read_type <> 'estimated'").fetchone()[0]
            if conn.execute("select to_regclass('raw.readings')").fetchone()[0]
            else None
        )
    if earliest is None:
        return first_period()
    return max(f"{month_add(earliest.date().replace(day=1), 1):%Y-%m}", first_period())


def bill_periods(first: str, through: str) -> bool:
    """Bill every period from `first` to `through` that is not closed, in order."""
    from core.closing import closed_periods

    with db.connect() as conn:
        closed = closed_periods(conn)
    for period in periods_between(first, through):
        if period in closed:
            continue
        started = time.perf_counter()
        if not run_job("bill_period", partition_key=period):
            return False
        print(f"  billed {period} ({time.perf_counter() - started:.1f}s)")
    return True


def cmd_run(args: argparse.Namespace) -> int:
    db.database_url()
    if not args.skip_ingest and not run_job("ingest_landing"):
        return 1
    if not run_job("build_reference_models"):
        return 1
    return 0 if bill_periods(args.first or first_billing_period(), args.through) else 1


def cmd_close(args: argparse.Namespace) -> int:
    from core.closing import CloseError, check_closable

    with db.connect() as conn:
        try:
            check_closable(conn, args.period)
        except CloseError as exc:
            print(f"m2c: cannot close {args.period}: {exc}", file=sys.stderr)
            return 1
    if not run_job("close_period", partition_key=args.period):
        return 1
    with db.connect() as conn:
        invoices, lines, total, checksum = conn.execute(
            "select invoices, invoice_lines, total_amount, checksum from billing.closed_periods where period = %s",
            (args.period,),
        ).fetchone()
    print(f"closed {args.period}: {invoices:,} invoices, {lines:,} lines, total {total:,}, checksum {checksum}")
    print(f"exports: {settings.exports_dir() / args.period}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from core.closing import verify_closed_periods

    with db.connect() as conn:
        results = verify_closed_periods(conn)
    for period, unchanged in results.items():
        print(f"{period}: {'unchanged' if unchanged else 'CHANGED since it was closed'}")
    if not results:
        print("no closed periods")
    return 0 if all(results.values()) else 1


def cmd_export(args: argparse.Namespace) -> int:
    from exports.period import ExportError, export_period

    started = time.perf_counter()
    try:
        result = export_period(args.period, out_dir=args.out)
    except ExportError as exc:
        print(f"m2c: {exc}", file=sys.stderr)
        return 1
    print(f"exported {args.period} to {result.folder} in {time.perf_counter() - started:.1f}s")
    for name, path in result.files.items():
        print(f"  {name:<28}{path.stat().st_size:>14,} bytes")
    print("control totals:")
    for label, value in result.control_totals.items():
        print(f"  {label:<40}{value:>18,}")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from exports.direct_debit import CollectionError, collect_period

    try:
        result = collect_period(args.period, out_dir=args.out)
    except CollectionError as exc:
        print(f"m2c: {exc}", file=sys.stderr)
        return 1
    where = result.path or "no file: nothing to collect"
    print(f"{args.period}: {len(result.collections)} direct debits, {result.total:,} EUR -> {where}")
    if result.skipped:
        print(f"not collected ({len(result.skipped)}):")
        for account_id, invoice_id, reason in result.skipped[:20]:
            print(f"  {account_id:<14}{invoice_id:<24}{reason}")
        if len(result.skipped) > 20:
            print(f"  ... and {len(result.skipped) - 20} more")
    return 0


def cmd_bills(args: argparse.Namespace) -> int:
    from exports.bills.batch import bills_dir, render_period
    from exports.bills.load import BillsError
    from exports.bills.reissue import bill_pdf

    try:
        if args.reissue:
            out = (args.out or bills_dir()) / "reissued" / f"{args.reissue}_copy.pdf"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(bill_pdf(args.reissue))
            print(f"reissued {args.reissue}: {out}")
            return 0
        result = render_period(args.period, out_dir=args.out, workers=args.workers)
    except BillsError as exc:
        print(f"m2c: {exc}", file=sys.stderr)
        return 1
    print(bills_summary(result))
    return 0


def bills_summary(result) -> str:
    """What m2c bills and the demo print: counts, speed, where the files are, why bills lack a QR code."""
    lines = [
        f"bills of {result.period}: {result.bills:,} bills, {result.notices:,} dunning notices, "
        f"{result.emails:,} e-mails, {result.pages:,} pages in {result.seconds:.1f}s "
        f"({result.bills_per_second:,.0f} bills/s rendering and print files)",
        f"  folder: {result.folder}  (print/ per district, email/, notices/, manifest.json)",
    ]
    lines += [f"  {count:,} bills without a QR code: {reason}" for reason, count in result.no_qr.most_common()]
    return "\n".join(lines)


def cmd_demo(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    url = db.database_url()
    print(f"database: {db.describe(url)}")
    args.out = None
    cmd_generate(args)
    for job in ("ingest_landing", "build_reference_models"):
        print(f"running {job} ...")
        if not run_job(job):
            return 1
    periods = periods_between(
        args.start, f"{month_add(dt.date.fromisoformat(args.start + '-01'), args.months - 1):%Y-%m}"
    )
    print(f"billing {periods[0]} .. {periods[-1]} ...")
    if not bill_periods(periods[0], periods[-1]):
        return 1
    close_all_but_last(periods)
    args.simulate = 20
    print("polling a simulated AMR fleet of 20 meters ...")
    if cmd_poll(args):
        return 1
    print_ingest_summary()
    print_layer_summary()
    print_billing_summary()
    print_demo_bills(periods[-2] if len(periods) > 1 else periods[-1])
    print(f"\ndone in {time.perf_counter() - started:.0f}s.")
    print("  Dagster UI (runs, assets, checks):  .venv/bin/m2c ui    then open http://127.0.0.1:3000")
    print(f"  exports folder:                     {settings.exports_dir()}")
    print(f"  landing folder:                     {settings.landing_dir()}")
    return 0


def print_demo_bills(period: str) -> None:
    """The last closed period's customer bills, rendered, and where they are."""
    from exports.bills.batch import render_period

    print(f"\nrendering the customer bills of {period} ...")
    print(bills_summary(render_period(period)))


def close_all_but_last(periods: list[str]) -> None:
    """Close every period but the last, in order, through Dagster (which also writes their exports)."""
    from core.closing import closed_periods

    with db.connect() as conn:
        already = closed_periods(conn)
    for period in periods[:-1]:
        if period not in already and not run_job("close_period", partition_key=period):
            raise SystemExit(1)
    print(f"closed {periods[0]} .. {periods[-2]}; {periods[-1]} stays open" if len(periods) > 1 else "")


def print_billing_summary() -> None:
    from m2c.report import billing_summary

    with db.connect() as conn:
        print(billing_summary(conn))


def print_ingest_summary() -> None:
    from m2c.report import ingest_summary

    with db.connect() as conn:
        print(ingest_summary(conn))


def print_layer_summary() -> None:
    from m2c.report import layer_summary

    with db.connect() as conn:
        print(layer_summary(conn))


def cmd_poll(args: argparse.Namespace) -> int:
    if not args.simulate:
        return poll_and_report()
    from devtools.amr_simulator import SimulatorThread, fleet_from_registry, write_fleet_registry
    from ingestion.loader import ingest_file

    with db.connect() as conn:
        meters, registry = fleet_from_registry(conn, args.simulate)
    if not meters:
        print("m2c: no electricity or water meters in the registry to simulate: ingest a sample first", file=sys.stderr)
        return 1
    with SimulatorThread(meters) as simulator:
        path = write_fleet_registry(settings.landing_dir(), simulator, registry)
        with db.connect() as conn:
            ingest_file(conn, settings.landing_dir(), "meters", path)
        print(f"simulating {len(meters)} AMR meters on 127.0.0.1 ports {sorted({m.port for m in meters})}")
        return poll_and_report()


def poll_and_report() -> int:
    """Run the poll job and print what the latest poll read and why meters failed."""
    from m2c.report import amr_summary

    if not run_job("poll_meters"):
        return 1
    with db.connect() as conn:
        print(amr_summary(conn))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from devtools.bench import run, table

    result = run(args.accounts, args.months, args.interval_meters, args.json, args.keep)
    print(table(result))
    print(f"results: {result['json_path']}")
    mismatched = result["baseline"]["invoices_compared"] - result["baseline"]["invoices_matching"]
    if mismatched:
        print(f"m2c: {mismatched} invoice totals differ from the pandas baseline", file=sys.stderr)
    return 1 if mismatched else 0


def cmd_apps(args: argparse.Namespace) -> NoReturn:
    url = db.database_url()
    env = {**os.environ, "M2C_DATABASE_URL": url}
    main_script = Path(__file__).resolve().parent.parent / "apps" / "main.py"
    command = [
        str(Path(sys.executable).with_name("streamlit")),
        "run",
        str(main_script),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]
    print(f"apps on http://{args.address}:{args.port}  (database {db.describe(url)}; Ctrl-C stops)", flush=True)
    # Streamlit replaces this process, so signals (Ctrl-C, a service manager's SIGTERM) reach it directly.
    os.execve(command[0], command, env)


def cmd_ui(args: argparse.Namespace) -> NoReturn:
    url = db.database_url()
    settings.ensure_dagster_home()
    dagster = Path(sys.executable).with_name("dagster")
    command = [
        str(dagster),
        "dev",
        "-w",
        str(settings.REPO_ROOT / "workspace.yaml"),
        "-h",
        "127.0.0.1",
        "-p",
        str(args.port),
    ]
    print(f"Dagster UI on http://127.0.0.1:{args.port}  (database {db.describe(url)}; Ctrl-C stops)", flush=True)
    # dagster dev replaces this process, as `m2c apps` does, so Ctrl-C and SIGTERM reach it directly.
    os.chdir(settings.REPO_ROOT)
    env = {**os.environ, "M2C_DATABASE_URL": url}
    if last := last_period_with_data(url):
        env.setdefault("M2C_LAST_PERIOD", last)
    os.execve(command[0], command, env)


def last_period_with_data(url: str) -> str | None:
    """The last period (YYYY-MM) with a landed reading, or None when there are none (or no raw schema)."""
    import psycopg

    with psycopg.connect(url) as conn:
        if not conn.execute("select to_regclass('raw.readings') is not null").fetchone()[0]:
            return None
        last = conn.execute("select max(read_at) from raw.readings").fetchone()[0]
    return f"{last:%Y-%m}" if last else None


if __name__ == "__main__":  # python -m m2c.cli
    sys.exit(main())
