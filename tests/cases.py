"""Real-world cases (tests/cases/<NN-name>/): a case's files laid over the minimal utility in
tests/cases/base/, run through `m2c run` as a new user would, against a fresh database.

Each case folder holds only what it adds or replaces (a file of the same name replaces the base's), a
README with the expected outcome, and optionally a policy.yaml. The cases were collected from real
utilities' inputs; see docs/decisions.md for how each kind of fault is handled.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg

CASES = Path(__file__).with_name("cases")


@dataclass(frozen=True)
class CaseRun:
    url: str
    home: Path
    output: str

    def rows(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(query, params).fetchall()

    def scalar(self, query: str, params: tuple = ()) -> object:
        found = self.rows(query, params)
        return found[0][0] if found else None


def landing_of(case: str, home: Path, *, base_readings: bool = True) -> Path:
    """Build the case's landing folder in `home`: base/ (without its readings if asked), then the case's folders."""
    landing = home / "landing"
    shutil.copytree(CASES / "base", landing, dirs_exist_ok=True)
    if not base_readings:
        for reads in (landing / "readings").glob("*.csv"):
            reads.unlink()
    for folder in sorted((CASES / case).iterdir()):
        if folder.is_dir():
            shutil.copytree(folder, landing / folder.name, dirs_exist_ok=True)
    return landing


def run_case(
    case: str,
    through: str,
    url: str,
    home: Path,
    *,
    base_readings: bool = True,
    first_period: str | None = None,
    check: bool = True,
) -> CaseRun:
    """`m2c run --through <through>` on the case's landing, in a subprocess, against the database at `url`."""
    landing = landing_of(case, home, base_readings=base_readings)
    policy = CASES / case / "policy.yaml"
    if policy.exists():
        shutil.copy(policy, home / "policy.yaml")
    env = os.environ | {
        "M2C_HOME": str(home),
        "M2C_LANDING_DIR": str(landing),
        "M2C_DATABASE_URL": url,
        "M2C_FIRST_PERIOD": first_period or "",
    }
    env.pop("M2C_POLICY", None)
    done = subprocess.run(
        [sys.executable, "-m", "m2c.cli", "run", "--through", through],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = done.stdout + done.stderr
    if check:
        assert done.returncode == 0, f"m2c run failed for case {case}:\n{output}"
    return CaseRun(url, home, output)
