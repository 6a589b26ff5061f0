"""Helpers shared by tests: run Dagster jobs against a given database, read scalars."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg


@contextmanager
def environment(**values: str | None) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_job(
    name: str,
    url: str,
    landing: Path | None = None,
    partition_key: str | None = None,
    policy: Path | None = None,
    exports: Path | None = None,
) -> bool:
    """Execute a job of the project's Definitions against the database at `url`; the landing folder, policy
    file and exports folder, when given, are the run's resource configuration."""
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.resources import resource_config

    with environment(M2C_DATABASE_URL=url), dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(name).execute_in_process(
            instance=instance,
            partition_key=partition_key,
            run_config=resource_config(landing=landing, policy=policy, exports=exports),
            raise_on_error=True,
        )
    return result.success


def run_job_result(name: str, url: str, partition_key: str | None = None) -> Any:
    """Execute a job as `run_job` does and return its ExecuteInProcessResult (its events stay readable)."""
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.resources import resource_config

    with environment(M2C_DATABASE_URL=url), dg.DagsterInstance.ephemeral() as instance:
        return defs.resolve_job_def(name).execute_in_process(
            instance=instance, partition_key=partition_key, run_config=resource_config(), raise_on_error=True
        )


def scalar(url: str, query: str, params: tuple = ()) -> object:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchone()[0]
