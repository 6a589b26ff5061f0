"""The dbt manifest Dagster reads: parsed on demand when the dbt project has changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from m2c import settings

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
    if not manifest.exists() or not stamp.exists() or stamp.read_text() != fingerprint:
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run(
            [
                str(dbt),
                "parse",
                "--quiet",
                "--project-dir",
                str(settings.DBT_PROJECT_DIR),
                "--profiles-dir",
                str(settings.DBT_PROJECT_DIR),
            ],
            check=True,
            env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        )
        stamp.write_text(fingerprint)
    return manifest
