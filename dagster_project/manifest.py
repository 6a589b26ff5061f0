"""The dbt manifest Dagster reads: parsed on demand when the dbt project has changed."""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
from pathlib import Path

from core import dbt, settings

DBT_SOURCES = ("models", "macros", "tests", "seeds", "dbt_project.yml")


def project_fingerprint() -> str:
    digest = hashlib.sha256()
    root = settings.DBT_PROJECT_DIR
    for name in DBT_SOURCES:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                digest.update(str(file.relative_to(root)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def manifest_path() -> Path:
    """target/manifest.json, re-parsed (no database needed) when any dbt source file changed."""
    target = settings.DBT_PROJECT_DIR / "target"
    manifest = target / "manifest.json"
    stamp = target / ".m2c_fingerprint"
    fingerprint = project_fingerprint()
    target.mkdir(exist_ok=True)
    # One parse at a time: two processes (pytest's workers, Dagster's) parsing at once wrote one file together
    # and left a manifest that is not JSON.
    with (target / ".m2c_parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not manifest.exists() or not stamp.exists() or stamp.read_text() != fingerprint:
            subprocess.run(
                [dbt.executable(), *dbt.dbt_args("parse", "--quiet")],
                check=True,
                env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
            )
            stamp.write_text(fingerprint)
    return manifest
