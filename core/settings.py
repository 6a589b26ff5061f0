"""Where things live. Every path derives from M2C_HOME (default ./var) unless overridden.

An empty variable counts as unset (the Dagster resources read these variables with dg.EnvVar, which needs
them to exist, so unset ones are set empty; see dagster_project/resources.py).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt"


def _path(variable: str, default: Path | str) -> Path:
    return Path(os.environ.get(variable) or default).expanduser().resolve()


def home() -> Path:
    return _path("M2C_HOME", "var")


def landing_dir() -> Path:
    return _path("M2C_LANDING_DIR", home() / "landing")


def exports_dir() -> Path:
    return _path("M2C_EXPORTS_DIR", home() / "exports")


def quarantine_dir() -> Path:
    return home() / "quarantine"


def pgdata_dir() -> Path:
    return home() / "pg"


def dagster_home() -> Path:
    return _path("DAGSTER_HOME", home() / "dagster")


def ensure_dagster_home() -> Path:
    """Point DAGSTER_HOME at var/dagster (unless set) so run history persists between runs."""
    path = dagster_home()
    path.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(path)
    config = path / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    return path
