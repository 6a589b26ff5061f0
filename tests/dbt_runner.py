"""Run dbt against a given database, as m2c does (profile from M2C_PG_*, policy and period as vars)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from core import db, dbt, policy, settings
from core.control import ensure_control_schemas


def run_dbt(url: str, *args: str, period: str | None = None) -> subprocess.CompletedProcess:
    import psycopg

    with psycopg.connect(url) as conn:
        ensure_control_schemas(conn)
    target = Path(tempfile.mkdtemp(prefix="dbt-target-"))  # concurrent dbt runs must not share target/
    command = [dbt.executable(), *dbt.dbt_args(*args, policy=policy.load(), period=period, target_path=target)]
    env = {**os.environ, **db.dbt_env(url), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=settings.DBT_PROJECT_DIR)
