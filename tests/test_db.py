"""The one database module: embedded server, external URL mode, and clear failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import db
from tests.helpers import environment, run_job, scalar

M2C = [sys.executable, "-m", "m2c.cli"]


def test_embedded_server_is_started_once_and_reused(server_url: str, m2c_home: Path) -> None:
    pid_file = m2c_home / "pg" / "postmaster.pid"
    first_pid = pid_file.read_text().split()[0]
    assert db.database_url() == server_url
    assert pid_file.read_text().split()[0] == first_pid
    assert scalar(server_url, "select current_database()") == "m2c"
    # The tuned settings are in force (restart-only settings included).
    assert scalar(server_url, "select current_setting('shared_buffers')") == db.EMBEDDED_SETTINGS["shared_buffers"]
    assert scalar(server_url, "select current_setting('wal_level')") == "minimal"


def test_dbt_environment_follows_the_url(server_url: str) -> None:
    env = db.dbt_env(server_url)
    parts = db.connection_parts(server_url)
    assert env["M2C_PG_HOST"] == parts["host"] and env["M2C_PG_DBNAME"] == "m2c"
    assert db.dbt_env("postgresql://alice:s%40cret@db.example:6543/billing") == {
        "M2C_PG_HOST": "db.example",
        "M2C_PG_PORT": "6543",
        "M2C_PG_USER": "alice",
        "M2C_PG_PASSWORD": "s@cret",
        "M2C_PG_DBNAME": "billing",
    }


@pytest.fixture
def second_server(tmp_path_factory: pytest.TempPathFactory):
    """Another PostgreSQL, reached only by its URL, as an external server would be."""
    pgserver = db._import_pgserver()
    data = tmp_path_factory.mktemp("external") / "pg"
    server = pgserver.get_server(data, cleanup_mode=None)
    url = server.get_uri()
    yield url
    pgserver.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=data, user=server.system_user)


def test_external_url_switches_every_component(second_server: str, server_url: str, tmp_path: Path) -> None:
    from devtools.generator import generate

    generate(tmp_path / "landing", accounts=12, months=2, seed=3, interval_meters=0)
    with environment(M2C_DATABASE_URL=second_server):
        assert db.database_url() == second_server
        printed = subprocess.run([*M2C, "db", "url"], capture_output=True, text=True, check=True).stdout.strip()
        assert printed == second_server
    # The Dagster resources resolve the URL at run time: the ingest job writes to the external server.
    assert run_job("ingest_landing", second_server, landing=tmp_path / "landing")
    assert scalar(second_server, "select count(*) from raw.accounts") == 12
    # ... and nothing reached the embedded server's database (tests load data into databases of their own).
    assert scalar(server_url, "select to_regclass('raw.accounts') is null") is True


def test_unreachable_external_url_is_a_clear_message() -> None:
    env = {**os.environ, "M2C_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nothing"}
    done = subprocess.run([*M2C, "db", "url"], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "Cannot reach the PostgreSQL database at nobody@127.0.0.1:9/nothing (from M2C_DATABASE_URL)" in done.stderr
    assert "Traceback" not in done.stderr


def test_embedded_data_folder_in_use_is_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "pg").mkdir()
    (tmp_path / "pg" / "notes.txt").write_text("someone else's files")
    env = {**os.environ, "M2C_HOME": str(tmp_path)}
    done = subprocess.run([*M2C, "db", "url"], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "is in use by something that is not a PostgreSQL data directory" in done.stderr
    assert "Traceback" not in done.stderr


def test_embedded_data_path_that_is_a_file_is_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "pg").write_text("not a folder")
    env = {**os.environ, "M2C_HOME": str(tmp_path)}
    done = subprocess.run([*M2C, "db", "url"], capture_output=True, text=True, env=env)
    assert done.returncode == 2 and "exists but is not a directory" in done.stderr


def test_embedded_server_that_fails_to_start_shows_its_log(tmp_path: Path) -> None:
    """A corrupt data directory (here: an impossible setting) is reported with the server's own log."""
    env = {**os.environ, "M2C_HOME": str(tmp_path)}
    subprocess.run([*M2C, "db", "url"], capture_output=True, text=True, env=env, check=True)
    subprocess.run([*M2C, "db", "stop"], capture_output=True, text=True, env=env, check=True)
    with (tmp_path / "pg" / "postgresql.auto.conf").open("a") as conf:
        conf.write("shared_buffers = '999TB'\n")
    done = subprocess.run([*M2C, "db", "url"], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "did not start" in done.stderr and "shared_buffers" in done.stderr
    assert "Traceback" not in done.stderr
