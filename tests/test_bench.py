"""`m2c bench` at 2,000 accounts as a smoke test: it completes and the SQL invoice totals equal the pandas
baseline's. 2,000 accounts give every line type and over a thousand invoices; scale is measured by
`m2c bench` itself, not here. Timings are reported by the command, never asserted."""

from __future__ import annotations

import json
from pathlib import Path

from devtools.bench import run, table


def test_bench_smoke_matches_the_pandas_baseline(server_url: str, tmp_path: Path) -> None:
    result = run(accounts=2_000, months=2, interval_meters=20, out=tmp_path / "bench.json", keep=False)
    stages = {stage["name"] for stage in result["stages"]}
    assert {
        "ingest interval reads",
        "VEE + usage",
        "charges + invoices",
        "payments + aging + ledger",
        "exports",
        "period close",
        "customer bills (not counted)",
    } <= stages
    base = result["baseline"]
    assert base["invoices_compared"] > 1_000
    assert base["invoices_matching"] == base["invoices_compared"], base["mismatches"]
    assert json.loads((tmp_path / "bench.json").read_text())["accounts"] == 2_000
    assert "pandas baseline" in table(result)
    assert result["bills"]["bills"] > 1_000 and result["bills"]["bills_per_second"] > 0
    assert "customer bills:" in table(result)
    assert len(result["slowest_dbt_nodes"]) == 10 and result["slowest_dbt_nodes"][0]["seconds"] > 0
    # Every node of the timed period, by stage: a stage's dbt time is the sum of its nodes' (issue 17 compares them).
    nodes = result["dbt_nodes"]
    assert {"int_charge_lines", "agg_sales_components_monthly", "int_payment_references"} <= {n["name"] for n in nodes}
    charges = next(s for s in result["stages"] if s["name"] == "charges + invoices")
    in_charges = sum(n["seconds"] for n in nodes if n["stage"] == "charges + invoices")
    assert abs(in_charges - charges["seconds"]) <= 0.005 * len(nodes)  # each node rounded to 0.01 s
