"""The apps' only database access: a cached engine, cached parameterised queries, and decision writes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from core import db, settings

QUERY_TTL_SECONDS = 60


def database_url() -> str:
    return db.database_url()


@st.cache_resource
def engine() -> sa.Engine:
    return sa.create_engine(db.sqlalchemy_url(database_url()), pool_pre_ping=True, pool_size=4)


@st.cache_data(ttl=QUERY_TTL_SECONDS, show_spinner=False)
def query(sql: str, params: dict | None = None) -> pd.DataFrame:
    """Rows of a parameterised query (`:name` placeholders) as a DataFrame."""
    with engine().connect() as conn:
        return pd.read_sql_query(sa.text(sql), conn, params=params or {})


def scalar(sql: str, params: dict | None = None) -> object:
    frame = query(sql, params)
    return None if frame.empty else frame.iat[0, 0]


def execute(sql: str, params: dict) -> None:
    """Write one row (a reviewer's decision); cached query results are dropped so queues refresh."""
    with engine().begin() as conn:
        conn.execute(sa.text(sql), params)
    st.cache_data.clear()


def has_marts() -> bool:
    return bool(scalar("select to_regclass('marts.agg_receivables_monthly') is not null"))


def closed_periods() -> dict[str, object]:
    """Closed billing periods (`YYYY-MM`) and when each was closed, from `marts.dim_closed_periods`."""
    if not scalar("select to_regclass('marts.dim_closed_periods') is not null"):
        return {}
    rows = query("select period, closed_at from marts.dim_closed_periods order by period")
    return dict(zip(rows["period"], rows["closed_at"], strict=True))


def periods() -> list[str]:
    """Billed periods, oldest first."""
    return query("select distinct period from marts.agg_sales_monthly order by period")["period"].tolist()


def numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """Decimal columns as floats for charts (the marts keep exact numerics; charts only draw them)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda value: isinstance(value, Decimal)).any():
            out[column] = out[column].astype(float)
    return out


def exports_file(period: str) -> Path | None:
    """The period's ledger workbook, if it has been exported."""
    path = settings.exports_dir() / period / f"ledger_{period}.xlsx"
    return path if path.is_file() else None
