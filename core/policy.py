"""The operator's policy: billing thresholds, rates and GL codes (the keys of docs/billing-rules.md).

The defaults live once, as dbt's `vars.policy` in dbt/dbt_project.yml, so `dbt build` runs on its own.
An operator's file overrides some of its keys; m2c passes the merged policy to dbt with --vars.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from core import settings

DBT_PROJECT_FILE = settings.DBT_PROJECT_DIR / "dbt_project.yml"


def defaults() -> dict[str, Any]:
    """The shipped policy: `vars.policy` of dbt_project.yml."""
    return yaml.safe_load(DBT_PROJECT_FILE.read_text())["vars"]["policy"]


def policy_path() -> Path | None:
    """M2C_POLICY, else $M2C_HOME/policy.yaml if the operator made one, else None (the defaults alone)."""
    if os.environ.get("M2C_POLICY"):
        return Path(os.environ["M2C_POLICY"]).expanduser().resolve()
    local = settings.home() / "policy.yaml"
    return local if local.exists() else None


def load(path: Path | None = None) -> dict[str, Any]:
    """The defaults overlaid with the operator's file; unknown keys are refused so typos surface."""
    policy = defaults()
    path = path or policy_path()
    if path:
        overrides = yaml.safe_load(path.read_text()) or {}
        unknown = sorted(set(overrides) - set(policy))
        if unknown:
            raise ValueError(f"{path}: unknown policy key(s): {', '.join(unknown)}")
        policy.update(overrides)
    return policy
