"""Tables people and the CLI write, which dbt reads as sources: reviewer decisions and closed periods."""

from __future__ import annotations

from pathlib import Path

import psycopg

DDL = Path(__file__).with_name("control.sql").read_text()


def ensure_control_schemas(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('m2c.control_schemas'))")
        conn.execute(DDL)
