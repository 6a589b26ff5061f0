"""What a billing period's dbt events tell the Dagster UI: the period's row count, whether it is closed,
and which period a check result is about (D116, D117)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import dagster as dg
import psycopg
from psycopg import sql

ROW_COUNT = "dagster/row_count"

# (schema, table) -> rows of the period, or None when the relation is a view or has no period column.
RowCounter = Callable[[str, str], int | None]


def period_row_counter(conn: psycopg.Connection, period: str | None) -> RowCounter:
    """Count a table's rows of `period` (text YYYY-MM), or all its rows when `period` is None.

    None, with a period, for relations without a `period` column, and without one for views (counting
    would run their whole query again; a view with a period column, such as fct_invoice_lines (D126),
    is counted for the period). The table is found in the connection's database (dbt's manifest names
    the database it was parsed for, which a run may not use).
    """

    def count(schema: str, table: str) -> int | None:
        row = conn.execute(
            """select (c.relkind in ('r', 'p') and %s) or (c.relkind in ('r', 'p', 'v') and exists (
                   select 1 from information_schema.columns k
                    where k.table_schema = n.nspname and k.table_name = c.relname and k.column_name = 'period')
                    and not %s)
                 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = %s and c.relname = %s""",
            (period is None, period is None, schema, table),
        ).fetchone()
        if not row or not row[0]:
            return None
        relation = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        if period is None:
            return conn.execute(sql.SQL("select count(*) from {}").format(relation)).fetchone()[0]
        query = sql.SQL("select count(*) from {} where period = %s").format(relation)
        return conn.execute(query, (period,)).fetchone()[0]

    return count


def is_closed(conn: psycopg.Connection, period: str) -> bool:
    """True when `period` (YYYY-MM) is in billing.closed_periods."""
    return conn.execute("select 1 from billing.closed_periods where period = %s", (period,)).fetchone() is not None


def period_metadata(period: str, closed: bool) -> dict[str, dg.MetadataValue]:
    """The metadata every event of a period's run carries: `period` (YYYY-MM) and `period_closed`."""
    return {"period": dg.MetadataValue.text(period), "period_closed": dg.MetadataValue.bool(closed)}


def annotate_row_counts(
    events: Iterable[Any], *, nodes: Mapping[str, Mapping[str, Any]], count_rows: RowCounter
) -> Iterator[Any]:
    """Add `dagster/row_count` to a dbt run's materialisations (see `annotate_period_events`)."""
    for event in events:
        if isinstance(event, (dg.Output, dg.AssetMaterialization)):
            yield event.with_metadata({**event.metadata, **row_count_metadata(event, nodes, count_rows)})
        else:
            yield event


def row_count_metadata(event: Any, nodes: Mapping[str, Mapping[str, Any]], count_rows: RowCounter) -> dict:
    """{"dagster/row_count": n} for the event's model table (by its `unique_id` metadata), else {}."""
    unique_id = event.metadata.get("unique_id")
    node = nodes.get(getattr(unique_id, "value", unique_id) or "", {})
    if not node.get("schema") or not (node.get("alias") or node.get("name")):
        return {}
    rows = count_rows(node["schema"], node.get("alias") or node["name"])
    return {} if rows is None else {ROW_COUNT: dg.MetadataValue.int(rows)}


def annotate_period_events(
    events: Iterable[Any],
    *,
    period: str,
    closed: bool,
    nodes: Mapping[str, Mapping[str, Any]],
    count_rows: RowCounter,
) -> Iterator[Any]:
    """Add the period's metadata to a dbt run's events.

    Materialisations (`dg.Output`, `dg.AssetMaterialization`) get `period`, `period_closed` and
    `dagster/row_count`: the rows of the period in the model's table (`nodes` is the manifest's
    nodes, keyed by the event's `unique_id` metadata; views and tables without a period are left
    without a count). Check results get the same period metadata and a description starting with
    "Period YYYY-MM". Other events pass unchanged.
    """
    extra = period_metadata(period, closed)
    for event in events:
        if isinstance(event, dg.AssetCheckResult):
            description = f"Period {period}" + (" (closed)" if closed else "")
            if event.description:
                description = f"{description}: {event.description}"
            yield event._replace(metadata={**event.metadata, **extra}, description=description)
        elif isinstance(event, (dg.Output, dg.AssetMaterialization)):
            metadata = {**extra, **row_count_metadata(event, nodes, count_rows)}
            yield event.with_metadata({**event.metadata, **metadata})
        else:
            yield event
