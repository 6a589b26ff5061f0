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
from pathlib import Path

_HOME = Path(tempfile.mkdtemp(prefix="m2c-test-"))
os.environ["M2C_HOME"] = str(_HOME)
os.environ["DAGSTER_HOME"] = str(_HOME / "dagster")
os.environ.pop("M2C_DATABASE_URL", None)
os.environ.pop("M2C_LANDING_DIR", None)
os.environ.pop("M2C_POLICY", None)

import psycopg  # noqa: E402
import pytest  # noqa: E402

from m2c import db  # noqa: E402


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
