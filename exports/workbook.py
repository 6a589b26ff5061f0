"""The ledger workbook of a period: openpyxl lays the workbook out, PostgreSQL renders the data rows.

openpyxl (write-only) writes the package: cover, styles, each sheet's widths, frozen header and autofilter.
The data rows are rendered as SpreadsheetML by PostgreSQL and streamed with COPY straight into the sheet's
zip entry, so the server renders while Python compresses: openpyxl's per-cell work ran at ~8,000 rows/s,
hours for a million accounts. Money is the numeric's exact decimal text, never a binary float. A sheet longer
than Excel's 1,048,576 rows continues on "Journal (2)", "Journal (3)", ...
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import psycopg
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

from core import vocabularies
from exports.sheets import SHEETS, Sheet

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TOTAL_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
NO_DECIMALS = tuple(code for code, digits in vocabularies.currency_minor_units().items() if digits == 0)
DATE_FORMAT = "yyyy-mm-dd"
MAX_DATA_ROWS = 1_048_574  # Excel's 1,048,576 rows less the header and a totals row
EXCEL_EPOCH = "1899-12-30"  # day 0 of Excel's 1900 date system, as dates are written

# Text as XML character data inside COPY's text format: the control characters XML 1.0 forbids are dropped,
# newlines, tabs and backslashes become character references, so each rendered row is exactly one COPY line.
# The regular expression lets clean text (nearly all of it) skip the replacements.
CONTROL_CHARACTERS = "".join(rf"\x{code:02x}" for code in [*range(1, 9), 11, 12, *range(14, 32)])
XML_TEXT = (
    r"case when {value} ~ E'[\\x01-\\x1f&<>\\\\]' then "
    "replace(replace(replace(replace(replace(replace(replace("
    f"translate({{value}}, E'{CONTROL_CHARACTERS}', ''), "
    r"'&', '&amp;'), '<', '&lt;'), '>', '&gt;'), E'\\', '&#92;'), E'\n', '&#10;'), E'\r', '&#13;'), "
    r"E'\t', '&#9;') else {value} end"
)


def money_format(currency: str | None) -> str:
    return "#,##0;-#,##0" if currency in NO_DECIMALS else "#,##0.00;-#,##0.00"


@dataclass
class SheetResult:
    rows: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    """One worksheet of a sheet: all of it, or a slice of at most MAX_DATA_ROWS lines."""

    sheet: Sheet
    title: str
    lines: int  # rows the query gives this part (data, subtotals)
    last: bool

    @property
    def filter_ref(self) -> str:
        return f"A1:{get_column_letter(len(self.sheet.columns))}{max(self.lines + 1, 2)}"


@dataclass(frozen=True)
class Styles:
    """Cell style ids registered in the workbook that is saved, for the rows the server renders."""

    header: int
    bold: int
    date: int
    money: dict[tuple[bool, bool], int]  # (no decimals, bold) -> id

    @classmethod
    def register(cls, ws: WriteOnlyWorksheet) -> Styles:
        def style_id(number_format: str | None = None, **styles: object) -> int:
            cell = WriteOnlyCell(ws)
            if number_format:
                cell.number_format = number_format
            for name, style in styles.items():
                if style is not None:
                    setattr(cell, name, style)
            return cell.style_id

        return cls(
            header=style_id(font=HEADER_FONT, fill=HEADER_FILL),
            bold=style_id(font=TOTAL_FONT),
            date=style_id(DATE_FORMAT),
            money={
                (whole, bold): style_id(money_format(NO_DECIMALS[0] if whole else ""), font=bold and TOTAL_FONT or None)
                for whole, bold in itertools.product((False, True), repeat=2)
            },
        )


def plan(conn: psycopg.Connection, sheet: Sheet, period: str, max_rows: int) -> tuple[SheetResult, list[Part]]:
    """Count and total the sheet in the database, and cut it into worksheets of at most `max_rows`."""
    columns = column_names(sheet)
    money = [(c.header, name) for c, name in zip(sheet.columns, columns, strict=True) if c.kind == "money"]
    summed = f"{columns[0]} = 'Total'" if sheet.subtotals else "true"
    counted = f"not ({total_label(sheet, columns[0])})"
    query = (
        f"select count(*), count(*) filter (where {counted}), "
        + "".join(f"sum({name}) filter (where {summed}), " for _, name in money)
        + f"0 from ({sheet.query}) as q({', '.join(columns)})"
    )
    lines, rows, *sums, _ = conn.execute(query, {"period": period}).fetchone()
    totals = {header: value or Decimal(0) for (header, _), value in zip(money, sums, strict=True)}
    count = max(1, -(-lines // max_rows))
    titles = [sheet.name, *(f"{sheet.name} ({k + 1})" for k in range(1, count))]
    parts = [Part(sheet, title, min(max_rows, lines - k * max_rows), k == count - 1) for k, title in enumerate(titles)]
    return SheetResult(rows, totals), parts


def column_names(sheet: Sheet) -> list[str]:
    return [f"c{i}" for i in range(len(sheet.columns))]


def total_label(sheet: Sheet, label: str) -> str:
    return f"left({label}, 9) = 'Subtotal ' or left({label}, 5) = 'Total'" if sheet.subtotals else "false"


def render_query(sheet: Sheet, styles: Styles, max_rows: int, currency: str) -> str:
    """SQL giving each row of the sheet as one `<row>` element, numbered within its worksheet."""
    columns = column_names(sheet)
    currency_column = columns[sheet.currency_index] if sheet.currency_index is not None else f"'{currency}'"
    no_decimals = ", ".join(f"'{code}'" for code in NO_DECIMALS)
    whole = f"{currency_column} in ({no_decimals})"

    ids = styles.money
    money_style = (
        f"case when bold then case when {whole} then '{ids[True, True]}' else '{ids[False, True]}' end "
        f"else case when {whole} then '{ids[True, False]}' else '{ids[False, False]}' end end"
    )

    cells = []
    for index, (column, name) in enumerate(zip(sheet.columns, columns, strict=True), start=1):
        ref = f"'<c r=\"{get_column_letter(index)}' || r || '\""
        if column.kind == "money":
            cell = f"{ref} s=\"' || {money_style} || '\"><v>' || {name} || '</v></c>'"
        elif column.kind == "date":
            cell = f"{ref} s=\"{styles.date}\"><v>' || ({name} - date '{EXCEL_EPOCH}') || '</v></c>'"
        elif column.kind == "int":
            cell = f"{ref}><v>' || {name} || '</v></c>'"
        else:
            text = f"{name}::text"
            cell = (
                f"{ref}' || case when bold then ' s=\"{styles.bold}\"' else '' end || ' t=\"inlineStr\"><is><t' || "
                f"case when left({text}, 1) = ' ' or right({text}, 1) = ' ' then ' xml:space=\"preserve\"' else '' end"
                f" || '>' || {XML_TEXT.format(value=text)} || '</t></is></c>'"
            )
        cells.append(f"coalesce({cell}, '')")
    return f"""
        select '<row r="' || r || '">' || {" || ".join(cells)} || '</row>'
        from (
            select q.*, (mod(row_number() over () - 1, {max_rows}) + 2)::text as r,
                   {total_label(sheet, columns[0])} as bold
            from ({sheet.query} order by {sheet.order_by}) as q({", ".join(columns)})
        ) as numbered"""


def row_xml(number: int | str, cells: list[tuple[object, int | None]]) -> str:
    """A row rendered in Python (header, totals): text, or a Decimal, each with its style id (None: no cell)."""
    xml = []
    for index, (value, style) in enumerate(cells, start=1):
        ref = f"{get_column_letter(index)}{number}"
        style_attr = f' s="{style}"' if style is not None else ""
        if value is None:
            continue
        if isinstance(value, Decimal):
            xml.append(f'<c r="{ref}"{style_attr}><v>{value}</v></c>')
        else:
            xml.append(f'<c r="{ref}"{style_attr} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    return f'<row r="{number}">{"".join(xml)}</row>'


def totals_row(sheet: Sheet, result: SheetResult, styles: Styles, currency: str) -> str:
    """The grand-total row closing the sheet's last worksheet; "{row}" stands for its row number."""
    if not sheet.totals:
        return ""
    money = styles.money[currency in NO_DECIMALS, True]
    cells = [(sheet.total_label, styles.bold)] + [
        (result.totals.get(c.header), money if c.kind == "money" else styles.bold) for c in sheet.columns[1:]
    ]
    return row_xml("{row}", cells)


# A sheet wider than this (sum of column widths, in characters) prints landscape.
PORTRAIT_WIDTH = 100


def lay_out(ws: WriteOnlyWorksheet, part: Part) -> None:
    """Column widths, frozen header, autofilter and print set-up: fit to one page wide, header row
    repeated on every printed page, landscape when the sheet is wide."""
    for index, column in enumerate(part.sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = part.filter_ref
    ws.print_title_rows = "1:1"
    wide = sum(column.width for column in part.sheet.columns) > PORTRAIT_WIDTH
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def frames(parts: list[Part]) -> dict[str, tuple[bytes, bytes]]:
    """Each worksheet's XML around its rows: openpyxl's for the laid-out, empty sheet, from one throwaway save."""
    book = Workbook(write_only=True)
    sheets = {}
    for part in parts:
        sheets[part.title] = book.create_sheet(part.title)
        lay_out(sheets[part.title], part)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        found = {}
        for title, ws in sheets.items():
            xml = package.read(ws.path.lstrip("/"))
            head, tail = re.split(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>", xml, maxsplit=1)
            found[title] = (head + b"<sheetData>", b"</sheetData>" + tail)
    return found


def copy_batches(conn: psycopg.Connection, query: str, period: str, size: int = 1 << 20) -> Iterator[bytes]:
    """The query's COPY output in blocks of about `size` bytes (the server sends a message per row)."""
    pending: list[bytes] = []
    length = 0
    with conn.cursor().copy(f"copy ({query}) to stdout", {"period": period}) as copy:
        for block in copy:
            pending.append(block)
            length += len(block)
            if length >= size:
                yield b"".join(pending)
                pending, length = [], 0
    if pending:
        yield b"".join(pending)


def split_lines(blocks: Iterator[bytes], sizes: list[int]) -> Iterator[tuple[int, bytes]]:
    """(part index, data) for blocks of lines cut at line boundaries into parts of the given line counts."""
    part, left = 0, sizes[0]
    for block in blocks:
        while block:
            lines = block.count(b"\n")
            if lines <= left:
                left -= lines
                yield part, block
                break
            cut = 0
            for _ in range(left):
                cut = block.index(b"\n", cut) + 1
            yield part, block[:cut]
            block = block[cut:]
            part += 1
            left = sizes[part]


@dataclass
class WorkbookResult:
    path: Path
    content_sha256: str
    sheets: dict[str, SheetResult]


class SheetStream:
    """Writes one sheet's worksheets into the package: frame, header row, streamed rows, totals row."""

    def __init__(
        self,
        package: zipfile.ZipFile,
        parts: list[Part],
        paths: dict[str, str],
        around: dict[str, tuple[bytes, bytes]],
        styles: Styles,
        totals_row: str,
    ) -> None:
        self.package, self.parts, self.paths, self.around, self.totals_row = package, parts, paths, around, totals_row
        self.header = row_xml(1, [(c.header, styles.header) for c in parts[0].sheet.columns]).encode()
        self.current = -1
        self.entry = None

    def write(self, part: int, data: bytes) -> None:
        while self.current < part:
            if self.entry:
                self.finish()
            self.current += 1
            title = self.parts[self.current].title
            self.entry = self.package.open(self.paths[title], "w", force_zip64=True)
            self.entry.write(self.around[title][0] + self.header)
        self.entry.write(data)

    def finish(self) -> None:
        part = self.parts[self.current]
        if part.last:
            self.entry.write(self.totals_row.replace("{row}", str(part.lines + 2)).encode())
        self.entry.write(self.around[part.title][1])
        self.entry.close()

    def close(self) -> None:
        self.write(len(self.parts) - 1, b"")
        self.finish()


def write_workbook(
    conn: psycopg.Connection,
    period: str,
    path: Path,
    cover: Callable[[dict[str, SheetResult]], list[tuple[str, object]]],
    currency: str,
    max_rows: int = MAX_DATA_ROWS,
) -> WorkbookResult:
    """Write the period's ledger workbook to `path`; `cover(sheet results)` gives the cover's (label, value) rows."""
    book = Workbook(write_only=True)
    cover_ws = book.create_sheet("Cover")
    styles = Styles.register(cover_ws)
    results: dict[str, SheetResult] = {}
    plans: list[tuple[Sheet, list[Part]]] = []
    for sheet in SHEETS:
        results[sheet.name], parts = plan(conn, sheet, period, max_rows)
        plans.append((sheet, parts))
    all_parts = [part for _, parts in plans for part in parts]
    paths = {}
    for part in all_parts:
        lay_out(book.create_sheet(part.title), part)
        # openpyxl names worksheet parts by position when it saves; checked against the saved package below
        paths[part.title] = f"xl/worksheets/sheet{len(book.worksheets)}.xml"
    around = frames(all_parts)

    digest = hashlib.sha256()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for sheet, parts in plans:
            digest.update(f"\x1e{sheet.name}\x1f".encode())
            totals = totals_row(sheet, results[sheet.name], styles, currency)
            out = SheetStream(package, parts, paths, around, styles, totals)
            query = render_query(sheet, styles, max_rows, currency)
            for part, data in split_lines(copy_batches(conn, query, period), [p.lines for p in parts]):
                data = data.replace(b"\n", b"")
                digest.update(data)
                out.write(part, data)
            out.close()

        content = digest.hexdigest()
        write_cover(cover_ws, [*cover(results), ("Content SHA-256 (data of every sheet)", content)], results, currency)
        laid_out = io.BytesIO()
        book.save(laid_out)
        with zipfile.ZipFile(laid_out) as rest:
            if missing := set(paths.values()) - set(rest.namelist()):
                raise RuntimeError(f"openpyxl did not lay out worksheets {sorted(missing)}")
            for item in rest.infolist():
                if item.filename not in paths.values():
                    package.writestr(item, rest.read(item))
    return WorkbookResult(path, content, results)


# Cover figures that are not money: a rate as a percentage, days with one decimal.
COVER_FORMATS = {"Collection rate": "0.0%", "Days sales outstanding": "0.0"}


def write_cover(ws: WriteOnlyWorksheet, facts: list[tuple[str, object]], results: dict, currency: str) -> None:
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 66
    title = WriteOnlyCell(ws, "Meter-to-Cash ledger workbook")
    title.font = TITLE_FONT
    ws.append([title])
    for label, value in facts:
        cell = WriteOnlyCell(ws, value)
        if label in COVER_FORMATS:
            cell.number_format = COVER_FORMATS[label]
        elif isinstance(value, Decimal):
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
