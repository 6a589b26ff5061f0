"""The operator's policy file: billing thresholds, rates and GL codes (billing-rules.md keys)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from m2c import settings

DEFAULT_POLICY = Path(__file__).with_name("policy_default.yaml")


def policy_path() -> Path:
    """M2C_POLICY, else $M2C_HOME/policy.yaml if the operator made one, else the shipped defaults."""
    if os.environ.get("M2C_POLICY"):
        return Path(os.environ["M2C_POLICY"]).expanduser().resolve()
    local = settings.home() / "policy.yaml"
    return local if local.exists() else DEFAULT_POLICY


def load(path: Path | None = None) -> dict[str, Any]:
    """The defaults overlaid with the operator's file; unknown keys are refused so typos surface."""
    policy = yaml.safe_load(DEFAULT_POLICY.read_text())
    path = path or policy_path()
    if path != DEFAULT_POLICY:
        overrides = yaml.safe_load(path.read_text()) or {}
        unknown = sorted(set(overrides) - set(policy))
        if unknown:
            raise ValueError(f"{path}: unknown policy key(s): {', '.join(unknown)}")
        policy.update(overrides)
    return policy
