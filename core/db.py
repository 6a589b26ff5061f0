"""The one module that owns the database connection.

Default: an embedded PostgreSQL (pgserver) with its data in ``$M2C_HOME/pg``, started on first
use and left running between commands (``m2c db stop`` stops it). ``M2C_DATABASE_URL`` points
every component (Dagster, dbt, apps, exports) at an external PostgreSQL instead.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg

from core import settings

DATABASE_NAME = "m2c"

# Chosen by measurement with `m2c bench` (see README, "Performance"). They suit a single-user
# analytics store on a 2-core/24 GiB machine; synchronous_commit=off trades the last few
# transactions on a crash for throughput, never consistency.
EMBEDDED_SETTINGS = {
    "shared_buffers": "1GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "512MB",
    "effective_cache_size": "8GB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "15min",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "synchronous_commit": "off",
    "random_page_cost": "1.1",
    "jit": "off",
    "max_parallel_workers_per_gather": "2",
}
RESTART_SETTINGS = {"shared_buffers", "wal_level", "max_wal_senders"}


class DatabaseError(RuntimeError):
    """The database cannot be reached or started; the message says why and what to do."""


def external_url() -> str | None:
    return os.environ.get("M2C_DATABASE_URL") or None


def database_url() -> str:
    """The URL every component uses: M2C_DATABASE_URL, else the embedded server (started if needed)."""
    url = external_url()
    if url:
        check_reachable(url)
        return url
    return start_embedded()


def check_reachable(url: str) -> None:
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("select 1")
    except psycopg.Error as exc:
        where = describe(url)
        raise DatabaseError(
            f"Cannot reach the PostgreSQL database at {where} (from M2C_DATABASE_URL): "
            f"{str(exc).strip()}. Check that the server runs and the URL is right, "
            "or unset M2C_DATABASE_URL to use the embedded database."
        ) from exc


def describe(url: str) -> str:
    """A URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or parse_qs(parts.query).get("host", ["local socket"])[0]
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.username or ''}@{host}{port}{parts.path}"


def _import_pgserver():
    # platformdirs warns that XDG_RUNTIME_DIR is unset on headless machines; pgserver copes.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    return pgserver


def _server_log_tail(pgdata: Path, lines: int = 15) -> str:
    log = pgdata / "log"
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def start_embedded() -> str:
    """Start (or reuse) the embedded server and return the URL of the m2c database."""
    pgdata = settings.pgdata_dir()
    if pgdata.exists() and not pgdata.is_dir():
        raise DatabaseError(f"{pgdata} exists but is not a directory; move it away or set M2C_HOME.")
    if pgdata.is_dir() and any(pgdata.iterdir()) and not (pgdata / "PG_VERSION").exists():
        raise DatabaseError(
            f"{pgdata} is in use by something that is not a PostgreSQL data directory; "
            "move it away or set M2C_HOME to another folder."
        )
    try:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"The embedded PostgreSQL in {pgdata} could not be set up: {exc}") from exc
    # Dagster starts steps in parallel processes, each resolving the database: one at a time starts and
    # tunes, so none starts a server while another restarts it.
    with _start_lock(pgdata):
        try:
            server = _import_pgserver().get_server(pgdata, cleanup_mode=None)
            admin_url = server.get_uri()
            _ensure_database(admin_url)
            if _tune(admin_url):
                _restart(server)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, AssertionError) as exc:
            raise DatabaseError(
                f"The embedded PostgreSQL in {pgdata} did not start. Last lines of its log:\n"
                f"{_server_log_tail(pgdata)}\n"
                "If another server uses this folder, stop it (m2c db stop) or set M2C_HOME elsewhere; "
                "if the disk is full, free space."
            ) from exc
        except OSError as exc:
            raise DatabaseError(f"The embedded PostgreSQL in {pgdata} could not be set up: {exc}") from exc
    return _with_database(admin_url, DATABASE_NAME)


@contextmanager
def _start_lock(pgdata: Path) -> Iterator[None]:
    with (pgdata.parent / ".m2c-start.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _with_database(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{dbname}").geturl()


def _ensure_database(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (DATABASE_NAME,)).fetchone()
        if not exists:
            conn.execute(f'create database "{DATABASE_NAME}"')


def _tune(admin_url: str) -> bool:
    """Apply EMBEDDED_SETTINGS; return True when a setting waits for a restart to take effect."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        configured = dict(
            conn.execute(
                "select name, setting from pg_file_settings where sourcefile like '%%postgresql.auto.conf'"
            ).fetchall()
        )
        changed = {name for name, value in EMBEDDED_SETTINGS.items() if configured.get(name) != value}
        for name in changed:
            conn.execute(f"alter system set {name} = '{EMBEDDED_SETTINGS[name]}'")
        if changed:
            conn.execute("select pg_reload_conf()")
        # Restart only for what the running server has not taken yet, whoever wrote the setting.
        pending = {name for (name,) in conn.execute("select name from pg_settings where pending_restart")}
    return bool((changed | pending) & RESTART_SETTINGS)


def _restart(server) -> None:
    pgserver = _import_pgserver()
    pgserver.pg_ctl(["-w", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=60)


def stop_embedded() -> bool:
    """Stop the embedded server if it runs; return whether it was running."""
    pgdata = settings.pgdata_dir()
    if not (pgdata / "postmaster.pid").exists():
        return False
    pgserver = _import_pgserver()
    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pgserver.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user, timeout=60)
    except subprocess.CalledProcessError:
        return False
    return True


def connection_parts(url: str) -> dict[str, str]:
    """Host, port, user, password and database of a URL, as libpq and dbt want them."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return {
        "host": query.get("host", [parts.hostname or "localhost"])[0],
        "port": str(parts.port or query.get("port", ["5432"])[0]),
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
        "dbname": parts.path.lstrip("/") or DATABASE_NAME,
    }


def dbt_env(url: str | None = None) -> dict[str, str]:
    """Environment variables read by dbt/profiles.yml."""
    parts = connection_parts(url or database_url())
    return {f"M2C_PG_{key.upper()}": value for key, value in parts.items()}


def export_dbt_env(url: str | None = None) -> None:
    os.environ.update(dbt_env(url))


def sqlalchemy_url(url: str | None = None) -> str:
    url = url or database_url()
    return "postgresql+psycopg://" + url.split("://", 1)[1]


@contextmanager
def connect(url: str | None = None, autocommit: bool = False) -> Iterator[psycopg.Connection]:
    with psycopg.connect(url or database_url(), autocommit=autocommit) as conn:
        yield conn
