"""Resources, configured from environment variables (M2C_DATABASE_URL, M2C_LANDING_DIR, M2C_EXPORTS_DIR, M2C_HOME)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg
import psycopg
from dagster_dbt import DbtCliResource, DbtProject

from m2c import db, settings
from m2c import policy as m2c_policy


class Database(dg.ConfigurableResource):
    """PostgreSQL: `url` if configured, else M2C_DATABASE_URL, else the embedded server (read at run time)."""

    url: str = ""

    def resolved_url(self) -> str:
        if self.url:
            db.check_reachable(self.url)
            return self.url
        return db.database_url()

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.resolved_url())


class Landing(dg.ConfigurableResource):
    """The landing folder files arrive in, and where unreadable files are quarantined."""

    path: str = ""
    quarantine: str = ""

    def folder(self) -> Path:
        return Path(self.path) if self.path else settings.landing_dir()

    def quarantine_folder(self) -> Path:
        return Path(self.quarantine) if self.quarantine else settings.quarantine_dir()


class Exports(dg.ConfigurableResource):
    """Where finance exports are written (M2C_EXPORTS_DIR, else $M2C_HOME/exports)."""

    path: str = ""

    def folder(self) -> Path:
        return Path(self.path) if self.path else settings.exports_dir()


class Policy(dg.ConfigurableResource):
    """The operator's policy file (M2C_POLICY, else $M2C_HOME/policy.yaml, else shipped defaults)."""

    path: str = ""

    def load(self) -> dict:
        return m2c_policy.load(Path(self.path) if self.path else None)


dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


def build_resources() -> dict[str, object]:
    return {
        "database": Database(),
        "landing": Landing(path=os.environ.get("M2C_LANDING_DIR", "")),
        "policy": Policy(path=os.environ.get("M2C_POLICY", "")),
        "exports": Exports(path=os.environ.get("M2C_EXPORTS_DIR", "")),
        # The dbt installed beside this interpreter, whether or not the venv is on PATH.
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(Path(sys.executable).with_name("dbt"))),
    }
