"""Closing a billing period: freeze its rows and store a checksum that proves they never change."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

import psycopg

from core.control import ensure_control_schemas


class CloseError(RuntimeError):
    """The period cannot be closed; the message says why."""


@dataclass
class ClosedPeriod:
    period: str
    checksum: str
    invoices: int
    invoice_lines: int
    total_amount: object


def closed_periods(conn: psycopg.Connection) -> dict[str, str]:
    ensure_control_schemas(conn)
    return dict(conn.execute("select period, checksum from billing.closed_periods order by period").fetchall())


def check_closable(conn: psycopg.Connection, period: str) -> None:
    """Raise CloseError unless `period` is billed, still open, and every earlier billed period is closed."""
    ensure_control_schemas(conn)
    if conn.execute("select 1 from billing.closed_periods where period = %s", (period,)).fetchone():
        raise CloseError(f"{period} is already closed")
    has_marts = conn.execute("select to_regclass('marts.fct_invoices') is not null").fetchone()[0]
    if (
        not has_marts
        or not conn.execute("select 1 from marts.fct_invoices where period = %s limit 1", (period,)).fetchone()
    ):
        raise CloseError(f"{period} has not been billed: run `m2c run --through {period}` first")
    open_before = conn.execute(
        """select string_agg(distinct i.period, ', ' order by i.period) from marts.fct_invoices i
           where i.period < %s and not exists (select 1 from billing.closed_periods c where c.period = i.period)""",
        (period,),
    ).fetchone()[0]
    if open_before:
        raise CloseError(f"close earlier periods first: {open_before} still open")


def close_period(conn: psycopg.Connection, period: str, closed_by: str | None = None) -> ClosedPeriod:
    """Close `period`: it must be billed, and every earlier billed period must be closed already."""
    ensure_control_schemas(conn)
    with conn.transaction():
        conn.execute("lock table billing.closed_periods in exclusive mode")
        check_closable(conn, period)
        invoices, lines, total = conn.execute(
            """select (select count(*) from marts.fct_invoices where period = %(p)s),
                      (select count(*) from marts.fct_invoice_lines where period = %(p)s),
                      (select coalesce(sum(total_amount), 0) from marts.fct_invoices where period = %(p)s)""",
            {"p": period},
        ).fetchone()
        checksum = conn.execute("select billing.period_checksum(%s)", (period,)).fetchone()[0]
        conn.execute(
            """insert into billing.closed_periods (period, closed_by, checksum, invoices, invoice_lines, total_amount)
               values (%s, %s, %s, %s, %s, %s)""",
            (period, closed_by or getpass.getuser(), checksum, invoices, lines, total),
        )
    return ClosedPeriod(period, checksum, invoices, lines, total)


def verify_closed_periods(conn: psycopg.Connection) -> dict[str, bool]:
    """For each closed period: does its checksum still match its rows?"""
    ensure_control_schemas(conn)
    rows = conn.execute(
        "select period, checksum = billing.period_checksum(period) from billing.closed_periods order by period"
    ).fetchall()
    return dict(rows)
