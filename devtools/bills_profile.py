"""Measure the CPU cost of customer bills without a database: `python -m devtools.bills_profile [N] [--profile]
[--workers K]`.

Builds N realistic bills from the hand-made samples (tests/bill_samples.py) with figures, names and ids
changing from bill to bill (so nothing is rendered twice), three quarters EUR with a QR code and a quarter
KRW in Korean, spread over four districts. Prints CPU milliseconds per bill (this process, `time.process_time`)
for rendering and for the print files; with --workers K it renders and merges through the batch's process
pool and prints bills per second of wall time. --profile writes cProfile's top functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import pstats
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from exports.bills.batch import pool_of, render_all, write_print_files
from exports.bills.model import Bill
from tests.bill_samples import UTILITY, eur_bill, krw_bill

DISTRICTS = ("North", "South", "East", "West")


def varied(index: int) -> Bill:
    """The index-th sample bill: EUR (with a QR code) or KRW, its ids, name and figures changed by index."""
    bill = krw_bill() if index % 4 == 3 else eur_bill()
    step = Decimal(index % 997)
    for section in bill.sections:
        section.lines = [dataclasses.replace(line, amount=line.amount + step) for line in section.lines]
        section.history = [dataclasses.replace(m, units=m.units + index % 13) for m in section.history]
    bill.other_lines = [dataclasses.replace(line, amount=line.amount + step / 10) for line in bill.other_lines]
    return dataclasses.replace(
        bill,
        invoice_id=f"INV-202503-X{index:07d}",
        account_id=f"X{index:07d}",
        customer_name=f"{bill.customer_name} {index}",
        total=bill.total + step,
        previous_balance=bill.previous_balance + step,
        payment_reference=bill.payment_reference if bill.currency == "KRW" else f"INV-202503-X{index:07d}",
        district=DISTRICTS[index % len(DISTRICTS)],
    )


def bills(count: int) -> list[Bill]:
    return [varied(index) for index in range(count)]


def measure(count: int, workers: int, profile: bool) -> None:
    batch = bills(count)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for sub in ("notices", "print"):
            (folder / sub).mkdir()
        render_all(None, batch[:5], [], UTILITY, folder)  # warm up: fonts, catalogs, imports
        with pool_of(workers) as pool:
            profiler = cProfile.Profile() if profile else None
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            rendered = render_all(pool, batch, [], UTILITY, folder)
            render_wall, render_cpu = time.perf_counter() - wall, time.process_time() - cpu
            write_print_files(rendered, folder, pool)
            if profiler:
                profiler.disable()
            total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = sum(path.stat().st_size for path in folder.glob("*.pdf")) / count
    print(f"{count} bills, {workers} worker(s), {size / 1024:.1f} KiB a bill")
    if workers == 1:
        print(f"render: {1000 * render_cpu / count:.2f} ms CPU a bill")
        print(f"print files: {1000 * (total_cpu - render_cpu) / count:.2f} ms CPU a bill")
        print(f"together: {1000 * total_cpu / count:.2f} ms CPU a bill")
    print(f"wall: render {count / render_wall:.0f} bills/s, with print files {count / total_wall:.0f} bills/s")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(35)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=500)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    measure(args.count, args.workers, args.profile)


if __name__ == "__main__":
    main()
