"""Test harness: one embedded PostgreSQL for the session, in a temporary folder (never var/).

M2C_HOME and DAGSTER_HOME are set before any project module is imported, so nothing a test
runs can reach the developer's var/. Tests that load data get a database of their own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_HOME = Path(tempfile.mkdtemp(prefix="m2c-test-"))
os.environ["M2C_HOME"] = str(_HOME)
os.environ["DAGSTER_HOME"] = str(_HOME / "dagster")
# Empty is unset (the Definitions' dg.EnvVar needs the variables to exist; see dagster_project/resources.py).
for variable in ("M2C_DATABASE_URL", "M2C_LANDING_DIR", "M2C_POLICY", "M2C_EXPORTS_DIR"):
    os.environ[variable] = ""

import psycopg  # noqa: E402
import pytest  # noqa: E402

from core import db  # noqa: E402

# `make test` runs on two workers (pytest-xdist, --dist loadgroup); each worker has its own embedded
# server. A module's tests stay on one worker, so its module-scoped run (a case, a billed utility) is
# built once; the apps and browser tests share the session's billed utility (app_data), so they share
# a worker. Modules that bill several periods start first, so the two workers end close together.
SHARED_WORKER = {"test_browser": "test_apps", "test_browser_bills": "test_apps"}
STARTS_FIRST = ("test_apps", "test_demo", "test_bench", "test_payments", "test_billing")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        item.add_marker(pytest.mark.xdist_group(SHARED_WORKER.get(module, module)))

    def start(item: pytest.Item) -> int:
        module = item.module.__name__.rsplit(".", 1)[-1]
        group = SHARED_WORKER.get(module, module)
        return STARTS_FIRST.index(group) if group in STARTS_FIRST else len(STARTS_FIRST)

    items.sort(key=start)  # stable: the order within a module is kept


@pytest.fixture(scope="session")
def m2c_home() -> Iterator[Path]:
    yield _HOME
    db.stop_embedded()
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def server_url(m2c_home: Path) -> str:
    """The session's embedded server (its `m2c` database)."""
    return db.start_embedded()


def create_database(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    parts = db.connection_parts(server_url)
    return server_url.replace(f"/{parts['dbname']}?", f"/{name}?")


def clone_database(server_url: str, template: str) -> str:
    """A new database copied from the database named `template` (CREATE DATABASE ... TEMPLATE copies its
    files: about a second), for tests that change a state that took minutes to bill; its URL."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        # A template must have no sessions: end those the build left open (pooled connections).
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
            (template,),
        )
        conn.execute(f'create database "{name}" template "{template}"')
    parts = db.connection_parts(server_url)
    return server_url.replace(f"/{parts['dbname']}?", f"/{name}?")


def drop_database(server_url: str, url: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{db.connection_parts(url)["dbname"]}" with (force)')


@pytest.fixture
def fresh_db(server_url: str) -> Iterator[str]:
    """A new, empty database on the session server; its URL."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    url = create_database(server_url, name)
    yield url
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def conn(fresh_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(fresh_db) as connection:
        yield connection


@dataclass(frozen=True)
class AppData:
    url: str
    policy: Path  # re-runs must bill with the same policy


@pytest.fixture(scope="session")
def app_data(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> AppData:
    """Four billed months of a small utility for the apps, with every review queue non-empty: a lower
    high-bill factor holds bills, low dunning thresholds make write-off candidates, a desk payment
    with a reference nobody can match is unapplied cash, and two bank records are rejected at load."""
    from devtools.generator import generate
    from tests.helpers import run_job

    url = create_database(server_url, "apps")
    root = tmp_path_factory.mktemp("apps")
    generate(root / "landing", accounts=150, months=4, seed=3, interval_meters=0)
    (root / "landing" / "payments" / "desk_2024-04.csv").write_text(
        "payment_id,paid_at,amount,currency,channel,reference,reversal_of\n"
        "DESK9,2024-04-03,42.00,EUR,counter,for Mum,\n"
    )
    # Bank records a run must not load (D79): a currency that is no ISO 4217 code, and DESK9's id again.
    (root / "landing" / "payments" / "desk_2024-04b.csv").write_text(
        "payment_id,paid_at,amount,currency,channel,reference,reversal_of\n"
        "DESK10,2024-04-05,15.00,ABC,counter,A0000003,\n"
        "DESK9,2024-04-06,24.00,EUR,counter,A0000003,\n"
    )
    policy = root / "policy.yaml"
    policy.write_text(
        "high_bill_factor: 1.3\n"
        "dunning_days: {reminder: 5, warning: 10, disconnection_notice: 20, disconnection: 25, "
        "write_off_candidate: 30}\n"
    )
    assert run_job("ingest_landing", url, landing=root / "landing", policy=policy)
    assert run_job("build_reference_models", url, policy=policy)
    for period in ("2024-01", "2024-02", "2024-03", "2024-04"):
        assert run_job("bill_period", url, partition_key=period, policy=policy)
    return AppData(url, policy)
