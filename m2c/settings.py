"""Where things live. Every path derives from M2C_HOME (default ./var) unless overridden."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt"


def home() -> Path:
    return Path(os.environ.get("M2C_HOME", "var")).expanduser().resolve()


def landing_dir() -> Path:
    return Path(os.environ.get("M2C_LANDING_DIR", home() / "landing")).expanduser().resolve()


def exports_dir() -> Path:
    return Path(os.environ.get("M2C_EXPORTS_DIR", home() / "exports")).expanduser().resolve()


def quarantine_dir() -> Path:
    return home() / "quarantine"


def pgdata_dir() -> Path:
    return home() / "pg"


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME", home() / "dagster")).expanduser().resolve()


def ensure_dagster_home() -> Path:
    """Point DAGSTER_HOME at var/dagster (unless set) so run history persists between runs."""
    path = dagster_home()
    path.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(path)
    config = path / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    return path
