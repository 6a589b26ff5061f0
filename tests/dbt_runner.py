"""Run dbt against a given database, as m2c does (profile from M2C_PG_*, policy and period as vars)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from m2c import db, policy, settings
from m2c.control import ensure_control_schemas


def run_dbt(url: str, *args: str, period: str | None = None) -> subprocess.CompletedProcess:
    import psycopg

    with psycopg.connect(url) as conn:
        ensure_control_schemas(conn)
    variables = {"policy": policy.load()} | ({"period": period} if period else {})
    target = tempfile.mkdtemp(prefix="dbt-target-")  # concurrent dbt runs must not share target/
    command = [
        str(Path(sys.executable).with_name("dbt")),
        *args,
        "--vars",
        json.dumps(variables),
        "--project-dir",
        str(settings.DBT_PROJECT_DIR),
        "--profiles-dir",
        str(settings.DBT_PROJECT_DIR),
        "--target-path",
        target,
    ]
    env = {**os.environ, **db.dbt_env(url), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=settings.DBT_PROJECT_DIR)
