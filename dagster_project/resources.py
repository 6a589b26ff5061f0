"""Resources. The Definitions read the environment the Dagster way (dg.EnvVar, resolved when a run starts);
a run's configuration can override any field (`m2c ingest --landing DIR` sets the landing path)."""

from __future__ import annotations

import os
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg
from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from core import db, dbt, settings
from core import policy as core_policy


class Database(dg.ConfigurableResource):
    """PostgreSQL at `url`; empty means the embedded server (started if needed)."""

    url: str = ""

    def resolved_url(self) -> str:
        if self.url:
            db.check_reachable(self.url)
            return self.url
        return db.database_url()

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.resolved_url())


class Landing(dg.ConfigurableResource):
    """The landing folder files arrive in, and where unreadable files are quarantined (empty: under M2C_HOME)."""

    path: str = ""
    quarantine: str = ""

    def folder(self) -> Path:
        return Path(self.path) if self.path else settings.landing_dir()

    def quarantine_folder(self) -> Path:
        return Path(self.quarantine) if self.quarantine else settings.quarantine_dir()


class Exports(dg.ConfigurableResource):
    """Where finance exports are written (empty: $M2C_HOME/exports)."""

    path: str = ""

    def folder(self) -> Path:
        return Path(self.path) if self.path else settings.exports_dir()


class Policy(dg.ConfigurableResource):
    """The operator's policy file (empty: $M2C_HOME/policy.yaml if there is one, else the defaults)."""

    path: str = ""

    def load(self) -> dict[str, Any]:
        return core_policy.load(Path(self.path) if self.path else None)


class DbtCli(DbtCliResource):
    """dagster-dbt's DbtCliResource without two start-up costs per run, for features this project does not use.

    - The dbt run is this environment's own dbt-core, so its version is the installed package's (DbtCliResource
      runs `dbt --version` in a subprocess once per run: 2 to 8 s on a 2-core machine).
    - No in-process dbt adapter: it only serves `fetch_row_counts` and `fetch_column_metadata`; the row counts
      come from period_metadata (D117). Building it parses the project's macros once more per run (2 to 5 s).
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> None:  # type: ignore[override]
        return None


dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


def env_var(name: str) -> dg.EnvVar:
    """dg.EnvVar(name). Dagster fails a run whose variable is unset, so an unset one is set empty here: empty
    is each resource's default (the embedded database, folders under M2C_HOME, the shipped policy)."""
    os.environ.setdefault(name, "")
    return dg.EnvVar(name)


def build_resources() -> dict[str, object]:
    return {
        "database": Database(url=env_var("M2C_DATABASE_URL")),
        "landing": Landing(path=env_var("M2C_LANDING_DIR")),
        "policy": Policy(path=env_var("M2C_POLICY")),
        "exports": Exports(path=env_var("M2C_EXPORTS_DIR")),
        "dbt": DbtCli(project_dir=dbt_project, dbt_executable=dbt.executable()),
    }


def resource_config(
    landing: Path | None = None, policy: Path | None = None, exports: Path | None = None
) -> dict[str, Any]:
    """Run configuration that points a run's resources at the given folders and policy file."""
    fields = {"landing": landing, "policy": policy, "exports": exports}
    return {"resources": {name: {"config": {"path": str(path.resolve())}} for name, path in fields.items() if path}}
