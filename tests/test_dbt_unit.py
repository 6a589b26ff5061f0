"""The dbt unit tests (hand-computed bills, usage and invoices) pass on a fresh database."""

from __future__ import annotations

import re

from tests.dbt_runner import run_dbt


def test_dbt_unit_tests_pass(fresh_db: str) -> None:
    import psycopg

    from ingestion.schema import ensure_raw_schema

    with psycopg.connect(fresh_db) as conn:
        ensure_raw_schema(conn)
    empty = run_dbt(fresh_db, "build", "--empty", "--exclude-resource-type", "unit_test", "test", period="2025-01")
    assert empty.returncode == 0, empty.stdout[-3000:]
    unit = run_dbt(fresh_db, "test", "--select", "test_type:unit", period="2025-01")
    assert unit.returncode == 0, unit.stdout[-5000:]
    passed = int(re.search(r"PASS=(\d+)", unit.stdout).group(1))
    assert passed >= 20 and "ERROR=0" in unit.stdout and "SKIP=0" in unit.stdout, unit.stdout[-2000:]
