"""Export one billing period: ledger workbook, GL journal CSV, aging CSV and a manifest, under exports/<period>/."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg

from core import db, settings, vocabularies
from exports.sheets import BUCKETS
from exports.workbook import MAX_DATA_ROWS, SheetResult, write_workbook

# Amounts to the currency's minor unit, so a zero reads 0.00 like every other amount.
DECIMALS = (
    "case {currency} "
    + " ".join(f"when '{code}' then {digits}" for code, digits in vocabularies.currency_minor_units().items())
    + " end"
)
JOURNAL_CSV = f"""select entry_id, entry_date as date, account_code as account, description,
                        round(debit, {DECIMALS.format(currency="currency")}) as debit,
                        round(credit, {DECIMALS.format(currency="currency")}) as credit,
                        source_id as reference, currency
                 from marts.fct_gl_journal where period = %(period)s order by entry_date, entry_id, line_no"""
AGING_CSV = """select s.account_id, a.customer_name, a.customer_class, s.currency,
                      {buckets}, sum(s.open_amount) as total
               from marts.rpt_ar_aging as s left join marts.dim_accounts as a on s.account_id = a.account_id
               where s.period = %(period)s
               group by s.account_id, a.customer_name, a.customer_class, s.currency
               order by s.currency, s.account_id""".format(
    buckets=", ".join(
        f"round(coalesce(sum(s.open_amount) filter (where s.aging_bucket = '{b}'), 0), "
        f'{DECIMALS.format(currency="s.currency")}) as "{b}"'
        for b in BUCKETS
    )
)


class ExportError(Exception):
    """A period cannot be exported (not billed yet)."""


@dataclass
class ExportResult:
    period: str
    folder: Path
    files: dict[str, Path]
    content_sha256: str
    control_totals: dict[str, Decimal]
    sheets: dict[str, SheetResult]


def export_period(
    period: str, url: str | None = None, out_dir: Path | None = None, max_sheet_rows: int = MAX_DATA_ROWS
) -> ExportResult:
    """Write the period's finance exports; the folder's files are replaced only once all are written."""
    url = url or db.database_url()
    folder = (out_dir or settings.exports_dir()) / period
    staging = folder.with_name(f".{period}.partial")
    staging.mkdir(parents=True, exist_ok=True)
    generated_at = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    with psycopg.connect(url) as conn:
        conn.execute("set datestyle to iso")  # dates in the CSVs as YYYY-MM-DD whatever the server's default
        currency, closed_at = period_facts(conn, period)
        totals: dict[str, Decimal] = {}

        def cover(sheets: dict[str, SheetResult]) -> list[tuple[str, object]]:
            totals.update(control_totals(conn, period, sheets))
            return [
                ("Period", period),
                ("Status", f"closed {closed_at:%Y-%m-%d %H:%M} UTC" if closed_at else "open (provisional)"),
                ("Generated at (UTC)", generated_at),
                ("Currency", currency),
                *totals.items(),
                *key_figures(conn, period, currency),
            ]

        workbook = write_workbook(conn, period, staging / f"ledger_{period}.xlsx", cover, currency, max_sheet_rows)
        journal_rows = write_csv(conn, period, JOURNAL_CSV, staging / f"gl_journal_{period}.csv")
        aging_rows = write_csv(conn, period, AGING_CSV, staging / f"ar_aging_{period}.csv")
    files = {path.name: path for path in sorted(staging.iterdir())}
    manifest = {
        "period": period,
        "status": "closed" if closed_at else "open",
        "generated_at": generated_at.isoformat() + "Z",
        "content_sha256": workbook.content_sha256,
        "control_totals": {label: str(value) for label, value in totals.items()},
        "files": [
            {
                "name": name,
                "bytes": path.stat().st_size,
                "sha256": file_sha256(path),
                "rows": {"gl_journal": journal_rows, "ar_aging": aging_rows}.get(name.split(f"_{period}")[0]),
            }
            for name, path in files.items()
        ],
        "sheets": {name: result.rows for name, result in workbook.sheets.items()},
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    if folder.exists():
        for old in folder.iterdir():
            old.unlink()
        folder.rmdir()
    staging.rename(folder)
    return ExportResult(
        period,
        folder,
        {name: folder / name for name in [*files, "manifest.json"]},
        workbook.content_sha256,
        totals,
        workbook.sheets,
    )


def period_facts(conn: psycopg.Connection, period: str) -> tuple[str, dt.datetime | None]:
    billed = conn.execute("select min(currency) from marts.fct_invoices where period = %s", (period,)).fetchone()[0]
    if billed is None:
        raise ExportError(f"period {period} has no invoices: bill it first (m2c run --through {period})")
    closed = conn.execute("select closed_at from billing.closed_periods where period = %s", (period,)).fetchone()
    return billed, closed[0] if closed else None


def control_totals(conn: psycopg.Connection, period: str, sheets: dict[str, SheetResult]) -> dict[str, Decimal]:
    """The figures finance ties out: from the sheets as written, and the control account from the ledger."""
    receivables, credits = conn.execute(
        """select coalesce(sum(closing_balance) filter (where account_code = '1100'), 0),
                  coalesce(-sum(closing_balance) filter (where account_code = '2300'), 0)
           from marts.rpt_trial_balance where period = %s""",
        (period,),
    ).fetchone()
    issued = conn.execute(
        "select coalesce(sum(total_amount), 0) from marts.fct_invoices where period = %s and status = 'issued'",
        (period,),
    ).fetchone()[0]
    return {
        "Journal debits": sheets["Journal"].totals["Debit"],
        "Journal credits": sheets["Journal"].totals["Credit"],
        "Accounts receivable (1100) closing": receivables,
        "AR subledger closing": sheets["AR Subledger"].totals["Closing"],
        "Aging total": sheets["Aging"].totals["Total"],
        "Customer credits (2300) closing": credits,
        "Invoices issued": issued,
        "Cash received (net of reversals)": sheets["Cash Receipts"].totals["Amount"],
        "Unapplied cash": sheets["Unapplied Cash"].totals["Unapplied"],
    }


# The Overview app's key figures (apps/kpis.py reads the same marts): label -> expression on
# agg_collections_monthly `c` (one row per period and currency).
KEY_FIGURES = {
    "Held for review (not issued)": "c.held_amount",
    "Held invoices": "c.held_invoices",
    "Billed revenue (excl. taxes)": """(select coalesce(sum(s.revenue_amount), 0) from marts.agg_sales_monthly as s
                                         where s.period = c.period and s.currency = c.currency)""",
    "Collection rate": "c.collection_rate",
    "Days sales outstanding": "c.days_sales_outstanding",
    "AR over 90 days": "c.over_90_days_amount",
    "Active accounts": "c.active_accounts",
}


def key_figures(conn: psycopg.Connection, period: str, currency: str) -> list[tuple[str, object]]:
    """The cover's key figures beyond the control totals, from the marts the Overview app reads."""
    row = conn.execute(
        f"select {', '.join(KEY_FIGURES.values())} from marts.agg_collections_monthly as c"
        " where c.period = %s and c.currency = %s",
        (period, currency),
    ).fetchone()
    if row is None:
        return []
    return list(zip(KEY_FIGURES, row, strict=True))


def write_csv(conn: psycopg.Connection, period: str, query: str, path: Path) -> int:
    """The query as CSV with a header of its column names, written by the server (COPY); returns the rows."""
    with path.open("wb") as out, conn.cursor() as cursor:
        with cursor.copy(f"copy ({query}) to stdout with (format csv, header)", {"period": period}) as copy:
            for block in copy:
                out.write(block)
        return cursor.rowcount


def file_sha256(path: Path) -> str:
    with path.open("rb") as data:
        return hashlib.file_digest(data, "sha256").hexdigest()
