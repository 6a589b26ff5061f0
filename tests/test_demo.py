"""`m2c demo` end to end, as a new user runs it: twice, the second reusing the database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.e2e
def test_demo_runs_twice_on_the_same_database(tmp_path: Path) -> None:
    env = {**os.environ, "M2C_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path / "dagster")}
    m2c = [sys.executable, "-m", "m2c.cli"]
    try:
        first = subprocess.run(
            [*m2c, "demo", "--accounts", "40", "--months", "3"], env=env, capture_output=True, text=True, timeout=600
        )
        assert first.returncode == 0, first.stderr[-3000:]
        assert "rows per layer" in first.stdout and "marts" in first.stdout
        assert "billing:" in first.stdout and "2024-03" in first.stdout
        assert "closed 2024-01 .. 2024-02; 2024-03 stays open" in first.stdout
        assert "collections and arrears:" in first.stdout and "UNBALANCED" not in first.stdout
        for period in ("2024-01", "2024-02"):  # closing through Dagster wrote the closed periods' exports
            assert (tmp_path / "exports" / period / f"ledger_{period}.xlsx").is_file()
        assert not (tmp_path / "exports" / "2024-03").exists()
        # The last closed period's customer bills, rendered, and where they are.
        assert "rendering the customer bills of 2024-02" in first.stdout
        bills_manifest = tmp_path / "bills" / "2024-02" / "manifest.json"
        assert f"folder: {bills_manifest.parent}" in first.stdout
        rendered = bills_manifest.read_text()
        pid = (tmp_path / "pg" / "postmaster.pid").read_text().split()[0]
        second = subprocess.run(
            [*m2c, "demo", "--accounts", "40", "--months", "3"], env=env, capture_output=True, text=True, timeout=600
        )
        assert second.returncode == 0, second.stderr[-3000:]
        assert (tmp_path / "pg" / "postmaster.pid").read_text().split()[0] == pid
        assert bills_manifest.read_text() == rendered  # a closed period's bills again: the same bytes (D109)

        # Same files again: nothing new is loaded, so the ingest table reads the same, except for what
        # the new AMR poll landed (its fleet's registry file and its reads).
        def section(out: str, start: str, end: str) -> str:
            return out.split(start)[1].split(end)[0]

        def without_amr(table: str) -> list[str]:
            return [line for line in table.splitlines() if not line.startswith(("  meters ", "  readings "))]

        assert without_amr(section(first.stdout, "ingested (all loads so far):", "rows per layer")) == without_amr(
            section(second.stdout, "ingested (all loads so far):", "rows per layer")
        )
        assert "AMR poll" in first.stdout and "of 20 meters read" in first.stdout
        # Closed periods are not billed again; the billing table reads the same.
        assert section(first.stdout, "billing:", "reading anomalies") == section(
            second.stdout, "billing:", "reading anomalies"
        )
        assert any((tmp_path / "dagster").rglob("*")), "runs are recorded in DAGSTER_HOME"
    finally:
        subprocess.run([*m2c, "db", "stop"], env=env, capture_output=True)
