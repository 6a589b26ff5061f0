"""Finance exports: the ledger workbook, CSVs and manifest tie to the marts to the cent and reproduce."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from openpyxl import load_workbook

from devtools.generator import generate
from exports.period import ExportError, export_period
from exports.sheets import SHEETS
from m2c.cli import main
from tests.conftest import create_database
from tests.helpers import environment, run_job, scalar

MONEY_FORMAT = "#,##0.00;-#,##0.00"


@pytest.fixture(scope="module")
def closed(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """Two billed periods, the first closed through Dagster (which writes its exports)."""
    url = create_database(server_url, "exports")
    root = tmp_path_factory.mktemp("exports")
    generate(root / "landing", accounts=80, months=2, seed=9, interval_meters=0)
    assert run_job("ingest_landing", url, landing=root / "landing")
    assert run_job("build_reference_models", url)
    for period in ("2024-01", "2024-02"):
        assert run_job("bill_period", url, partition_key=period)
    assert run_job("close_period", url, partition_key="2024-01", exports=root / "exports")
    return url, root / "exports"


def money(cell_value: object) -> Decimal:
    """A money cell as written: an exact decimal of at most two places, never a binary-float artefact."""
    assert isinstance(cell_value, (int, float)), cell_value
    value = Decimal(str(cell_value))
    assert value.as_tuple().exponent >= -2, f"{cell_value!r} is not a cent amount"
    return value


def sheet_rows(book, name: str) -> tuple[list[str], list[tuple]]:
    rows = list(book[name].iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def test_closing_writes_a_workbook_that_ties_to_the_ledger(closed: tuple[str, Path]) -> None:
    url, folder = closed
    period_dir = folder / "2024-01"
    assert sorted(p.name for p in period_dir.iterdir()) == [
        "ar_aging_2024-01.csv",
        "gl_journal_2024-01.csv",
        "ledger_2024-01.xlsx",
        "manifest.json",
    ]
    book = load_workbook(period_dir / "ledger_2024-01.xlsx")
    assert book.sheetnames == ["Cover", *(sheet.name for sheet in SHEETS)]

    header, journal = sheet_rows(book, "Journal")
    debit, credit = header.index("Debit"), header.index("Credit")
    lines, total = journal[:-1], journal[-1]
    assert total[0] == "Total"
    debits = sum(money(row[debit]) for row in lines)
    credits = sum(money(row[credit]) for row in lines)
    assert debits == credits == money(total[debit]) == money(total[credit])
    assert debits == scalar(url, "select sum(debit) from marts.fct_gl_journal where period = '2024-01'")
    assert len(lines) == scalar(url, "select count(*) from marts.fct_gl_journal where period = '2024-01'")

    header, trial = sheet_rows(book, "Trial Balance")
    assert money(trial[-1][header.index("Debit")]) == money(trial[-1][header.index("Credit")]) == debits
    receivables = next(money(row[header.index("Closing (Dr+)")]) for row in trial if row[0] == "1100")
    assert receivables == scalar(
        url, "select closing_balance from marts.rpt_trial_balance where period = '2024-01' and account_code = '1100'"
    )

    header, subledger = sheet_rows(book, "AR Subledger")
    assert money(subledger[-1][header.index("Closing")]) == receivables
    header, aging = sheet_rows(book, "Aging")
    totals = [row for row in aging if row[0] == "Total"]
    assert len(totals) == 1 and money(totals[0][header.index("Total")]) == receivables
    class_subtotals = sum(money(row[header.index("Total")]) for row in aging if str(row[0]).startswith("Subtotal"))
    assert class_subtotals == receivables

    header, register = sheet_rows(book, "Invoice Register")
    invoices = [row for row in register[:-1] if not str(row[0]).startswith(("Subtotal", "Total"))]
    assert len(invoices) == scalar(url, "select count(*) from marts.fct_invoices where period = '2024-01'")
    # Issued invoices end with their "Total" row; the sheet's totals row ("Total issued") is that total,
    # the cover's "Invoices issued"; held and carried-forward invoices have subtotals of their own.
    issued = sum(money(row[header.index("Total")]) for row in invoices if row[header.index("Status")] == "issued")
    assert register[-1][0] == "Total issued" and money(register[-1][header.index("Total")]) == issued
    parts = [header.index(name) for name in ("Subtotal", "Levy", "VAT", "Percent charges", "Rounding", "Late charges")]
    # The total includes percent charges and the rounding line (D113, D92) and the late charge lines (D66);
    # the sample's KEPCO-like RES-K1 invoices have both, so a register without them does not add up.
    assert any(money(row[header.index("Rounding")]) != 0 for row in invoices)
    for row in register:
        assert sum(money(row[i]) for i in parts) == money(row[header.index("Total")]), row[0]

    cover = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True) if row and row[0]}
    assert cover["Period"] == "2024-01" and cover["Status"].startswith("closed")
    assert money(cover["Journal debits"]) == money(cover["Journal credits"]) == debits
    assert money(cover["AR subledger closing"]) == money(cover["Aging total"]) == receivables
    assert money(cover["Accounts receivable (1100) closing"]) == receivables
    assert money(cover["Invoices issued"]) == issued
    assert "Database" not in cover  # no local paths on the cover
    assert cover["Journal"] == len(lines)
    manifest = json.loads((period_dir / "manifest.json").read_text())
    assert cover["Content SHA-256 (data of every sheet)"] == manifest["content_sha256"]
    assert manifest["control_totals"]["Journal debits"] == str(debits)


def test_workbook_formatting(closed: tuple[str, Path]) -> None:
    _, folder = closed
    book = load_workbook(folder / "2024-01" / "ledger_2024-01.xlsx")
    for sheet in SHEETS:
        ws = book[sheet.name]
        assert ws.freeze_panes == "A2", sheet.name
        assert ws.auto_filter.ref.startswith("A1:"), sheet.name
        assert ws["A1"].font.bold and ws["A1"].value == sheet.columns[0].header
        assert ws.column_dimensions["A"].width == sheet.columns[0].width
        assert ws.print_title_rows == "$1:$1" and ws.page_setup.fitToWidth == 1, sheet.name  # header on each page
        assert ws.sheet_properties.pageSetUpPr.fitToPage, sheet.name
        if ws.max_row < 3:
            continue
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=2, column=index)
            if column.kind == "money" and cell.value is not None:
                assert cell.number_format == MONEY_FORMAT, (sheet.name, column.header)
                money(cell.value)
            if column.kind == "date" and cell.value is not None:
                assert isinstance(cell.value, dt.datetime) and cell.number_format == "yyyy-mm-dd"


def test_exports_of_a_closed_period_reproduce(closed: tuple[str, Path], tmp_path: Path) -> None:
    url, folder = closed
    first = json.loads((folder / "2024-01" / "manifest.json").read_text())
    again = export_period("2024-01", url=url, out_dir=tmp_path)
    second = json.loads((tmp_path / "2024-01" / "manifest.json").read_text())
    assert again.content_sha256 == first["content_sha256"] == second["content_sha256"]
    csv_hashes = {f["name"]: f["sha256"] for f in first["files"] if f["name"].endswith(".csv")}
    assert csv_hashes == {f["name"]: f["sha256"] for f in second["files"] if f["name"].endswith(".csv")}

    with (tmp_path / "2024-01" / "gl_journal_2024-01.csv").open() as journal:
        rows = list(csv.DictReader(journal))
    assert list(rows[0]) == ["entry_id", "date", "account", "description", "debit", "credit", "reference", "currency"]
    assert sum(Decimal(r["debit"]) for r in rows) == sum(Decimal(r["credit"]) for r in rows) > 0
    assert all(len(r["debit"].split(".")[1]) == 2 for r in rows)


def test_export_command_and_unbilled_period(closed: tuple[str, Path], tmp_path: Path, capsys) -> None:
    url, _ = closed
    with environment(M2C_DATABASE_URL=url):
        assert main(["export", "--period", "2024-02", "--out", str(tmp_path)]) == 0
        out = capsys.readouterr().out
        assert "ledger_2024-02.xlsx" in out and "Journal debits" in out
        assert json.loads((tmp_path / "2024-02" / "manifest.json").read_text())["status"] == "open"
        assert main(["verify"]) == 0
        assert "2024-01: unchanged" in capsys.readouterr().out
        with pytest.raises(ExportError, match="2031-01 has no invoices"):
            export_period("2031-01", url=url, out_dir=tmp_path)


def test_long_sheets_continue_on_numbered_worksheets(closed: tuple[str, Path], tmp_path: Path) -> None:
    """Past the row limit (Excel's 1,048,574 data rows; 40 here) a sheet continues on "Journal (2)", ..."""
    url, folder = closed
    result = export_period("2024-01", url=url, out_dir=tmp_path, max_sheet_rows=40)
    book = load_workbook(tmp_path / "2024-01" / "ledger_2024-01.xlsx")
    journal_lines = scalar(url, "select count(*) from marts.fct_gl_journal where period = '2024-01'")
    parts = [name for name in book.sheetnames if name == "Journal" or name.startswith("Journal (")]
    assert parts == ["Journal", *(f"Journal ({k})" for k in range(2, len(parts) + 1))]
    assert len(parts) == -(-journal_lines // 40) > 1

    lines = []
    for name in parts:
        ws = book[name]
        header, rows = sheet_rows(book, name)
        assert header[0] == "Entry" and ws.freeze_panes == "A2"
        data = rows[:-1] if name == parts[-1] else rows
        assert len(data) == (40 if name != parts[-1] else journal_lines - 40 * (len(parts) - 1))
        assert ws.auto_filter.ref == f"A1:L{len(data) + 1}"
        lines += data
    assert len(lines) == journal_lines and rows[-1][0] == "Total"
    debit = header.index("Debit")
    assert sum(money(row[debit]) for row in lines) == money(rows[-1][debit]) == result.control_totals["Journal debits"]
    # the whole, unsplit workbook holds the same lines in the same order
    whole = load_workbook(folder / "2024-01" / "ledger_2024-01.xlsx")
    assert lines == sheet_rows(whole, "Journal")[1][:-1]


def test_text_is_escaped_and_kept(closed: tuple[str, Path], tmp_path: Path) -> None:
    """Markup, line breaks, backslashes and outer spaces survive; characters XML cannot hold are dropped."""
    url, _ = closed
    account = scalar(url, "select min(account_id) from marts.rpt_ar_subledger where period = '2024-01'")
    original = scalar(url, f"select customer_name from marts.dim_accounts where account_id = '{account}'")
    awkward = ' Smith & <Sons> "Ltd"\n\tC:\\accounts\x01 '
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("update marts.dim_accounts set customer_name = %s where account_id = %s", (awkward, account))
        try:
            export_period("2024-01", url=url, out_dir=tmp_path)
        finally:
            conn.execute("update marts.dim_accounts set customer_name = %s where account_id = %s", (original, account))
    book = load_workbook(tmp_path / "2024-01" / "ledger_2024-01.xlsx")
    header, rows = sheet_rows(book, "AR Subledger")
    name = next(row[header.index("Customer")] for row in rows if row[0] == account)
    assert name == awkward.replace("\x01", "")
