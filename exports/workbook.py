"""The ledger workbook of a period, written in openpyxl's write-only mode straight from a server-side cursor.

Memory stays flat whatever the period's size: rows stream from PostgreSQL into each sheet's temporary
file. Money is written from `Decimal` (the XML holds the exact decimal text, never a binary float).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import psycopg
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.sheets import SHEETS, Sheet

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TOTAL_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
NO_DECIMALS = {"KRW", "JPY", "HUF"}
FETCH_ROWS = 20_000


def money_format(currency: str | None) -> str:
    return "#,##0;-#,##0" if currency in NO_DECIMALS else "#,##0.00;-#,##0.00"


@dataclass
class SheetResult:
    rows: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)


class SheetWriter:
    """Writes one sheet: header, styled rows, a totals row, column widths, frozen header, autofilter."""

    def __init__(self, ws: WriteOnlyWorksheet, sheet: Sheet, digest: hashlib._Hash, currency: str) -> None:
        self.ws, self.sheet, self.digest, self.currency = ws, sheet, digest, currency
        self.result = SheetResult(totals={c.header: Decimal(0) for c in sheet.columns if c.kind == "money"})
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"
        ws.append([self.styled(c.header, font=HEADER_FONT, fill=HEADER_FILL) for c in sheet.columns])
        digest.update(f"\x1e{sheet.name}\x1f".encode())

    def styled(self, value: object, number_format: str | None = None, **styles: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value)
        if number_format:
            cell.number_format = number_format
        for name, style in styles.items():
            setattr(cell, name, style)
        return cell

    def append(self, values: tuple) -> None:
        sheet = self.sheet
        currency = values[sheet.currency_index] if sheet.currency_index is not None else self.currency
        label = values[0] if isinstance(values[0], str) else ""
        is_total = label.startswith(("Subtotal ", "Total"))
        cells: list[object] = []
        money_format_here = money_format(currency)
        for column, value in zip(sheet.columns, values, strict=True):
            # Only cells that need a number format (or a total's bold) become cell objects: a plain value
            # is several times cheaper to write.
            if column.kind == "money":
                if value is not None and not is_total and sheet.totals:
                    self.result.totals[column.header] += value
                cell = self.styled(value, money_format_here)
            elif column.kind == "date":
                cell = self.styled(value, "yyyy-mm-dd")
            elif is_total:
                cell = self.styled(value)
            else:
                cells.append(value)
                continue
            if is_total:
                cell.font = TOTAL_FONT
            cells.append(cell)
        self.ws.append(cells)
        self.digest.update(canonical(values))
        if label == "Total":  # a grand-total row the query computed (aging): summed over currencies
            for column, value in zip(sheet.columns, values, strict=True):
                if column.kind == "money":
                    self.result.totals[column.header] += value or 0
        self.result.rows += 0 if is_total else 1

    def close(self) -> SheetResult:
        last_data_row = self.result.rows + 1
        if self.sheet.totals:
            values = tuple(
                "Total" if i == 0 else self.result.totals.get(c.header) for i, c in enumerate(self.sheet.columns)
            )
            row = [self.styled(values[0], font=TOTAL_FONT)]
            row += [
                self.styled(v, money_format(self.currency), font=TOTAL_FONT) if v is not None else self.styled(None)
                for v in values[1:]
            ]
            self.ws.append(row)
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.sheet.columns))}{max(last_data_row, 2)}"
        return self.result


def canonical(values: tuple) -> bytes:
    """A row as text for the content hash (dates in ISO form, Decimal with its stored scale)."""
    text = "\x1f".join("" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v) for v in values)
    return (text + "\n").encode()


def stream(conn: psycopg.Connection, query: str, period: str) -> Iterator[tuple]:
    with conn.cursor(name=f"export_{hashlib.md5(query.encode()).hexdigest()[:8]}") as cursor:
        cursor.itersize = FETCH_ROWS
        cursor.execute(query, {"period": period})
        yield from cursor


@dataclass
class WorkbookResult:
    path: Path
    content_sha256: str
    sheets: dict[str, SheetResult]


def write_workbook(
    conn: psycopg.Connection,
    period: str,
    path: Path,
    cover: Callable[[dict[str, SheetResult]], list[tuple[str, object]]],
    currency: str,
) -> WorkbookResult:
    """Write the period's ledger workbook to `path`; `cover(sheet results)` gives the cover's (label, value) rows."""
    book = Workbook(write_only=True)
    cover_ws = book.create_sheet("Cover")
    digest = hashlib.sha256()
    results: dict[str, SheetResult] = {}
    for sheet in SHEETS:
        writer = SheetWriter(book.create_sheet(sheet.name), sheet, digest, currency)
        for values in stream(conn, sheet.query, period):
            writer.append(values)
        results[sheet.name] = writer.close()
    content = digest.hexdigest()
    write_cover(cover_ws, [*cover(results), ("Content SHA-256 (data of every sheet)", content)], results, currency)
    book.save(path)
    return WorkbookResult(path, content, results)


def write_cover(ws: WriteOnlyWorksheet, facts: list[tuple[str, object]], results: dict, currency: str) -> None:
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 66
    title = WriteOnlyCell(ws, "Meter-to-Cash ledger workbook")
    title.font = TITLE_FONT
    ws.append([title])
    for label, value in facts:
        cell = WriteOnlyCell(ws, value)
        if isinstance(value, Decimal):
            cell.number_format = money_format(currency)
        elif isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
        cell.alignment = Alignment(horizontal="left")
        ws.append([WriteOnlyCell(ws, label), cell])
    ws.append([])
    header = [WriteOnlyCell(ws, "Sheet"), WriteOnlyCell(ws, "Rows")]
    for cell in header:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    ws.append(header)
    for name, result in results.items():
        rows = WriteOnlyCell(ws, result.rows)
        rows.alignment = Alignment(horizontal="left")
        ws.append([name, rows])
