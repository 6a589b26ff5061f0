"""How dbt is run: one function builds its arguments for Dagster's dbt assets, the benchmark and the tests."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core import settings

# Every model carries one of these tags (dbt_project.yml); it names the model's Dagster asset group.
DOMAINS = ("reference", "usage", "billing", "receivables", "ledger")
# Models computed one billing period per run (`--vars period`), in order.
BILLING_PERIOD_TAG = "billing_period"
# dbt unit tests run in the test suite (tests/test_dbt_unit.py), not in production runs.
WITHOUT_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


def executable() -> str:
    """The dbt installed beside this interpreter, whether or not the venv is on PATH."""
    return str(Path(sys.executable).with_name("dbt"))


def dbt_args(
    *command: str,
    policy: Mapping[str, Any] | None = None,
    period: str | None = None,
    target_path: Path | None = None,
    locations: bool = True,
) -> list[str]:
    """dbt's arguments after the executable: the command, the policy and period as --vars, where to write
    target/, and where the project and its profile are (`locations`; Dagster's DbtCliResource adds its own)."""
    args = list(command)
    variables = ({"period": period} if period else {}) | ({"policy": dict(policy)} if policy is not None else {})
    if variables:
        args += ["--vars", json.dumps(variables)]
    if target_path:
        args += ["--target-path", str(target_path)]
    if locations:
        args += ["--project-dir", str(settings.DBT_PROJECT_DIR), "--profiles-dir", str(settings.DBT_PROJECT_DIR)]
    return args


def domain(tags: list[str]) -> str | None:
    """The domain tag among a dbt node's tags."""
    return next((tag for tag in tags if tag in DOMAINS), None)
