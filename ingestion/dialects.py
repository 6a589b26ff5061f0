"""Files as spreadsheets write them: a landed file's dialect, and its values in the contract's form.

The contract (docs/landing-formats.md) is comma-separated UTF-8 with ISO dates and '.' decimals.
Spreadsheets write other shapes, each detected per file and recorded in the load ledger (D56-D58):
a byte-order mark, CRLF, empty unnamed trailing columns, all-empty rows, a title above the header,
';' or tab separators with decimal commas, dd.mm.yyyy or dd/mm/yyyy dates, Excel date serials and
numbers stored as text with thousands separators. Values are converted here, in the reader, to the
contract's text; what cannot be told (a date whose day/month order the file never shows, '1,234'
where the file never shows its decimal mark) is rejected with a reason that says so, never guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
HEADER_SEARCH_ROWS = 20  # a title block above the header is at most this many rows
SAMPLE_ROWS = 1000  # comma files: rows looked at to decide whether any value needs converting
NUMERIC = ("decimal", "int")
TEMPORAL = ("date", "timestamp")
GROUP_SPACES = " \u00a0\u202f'\u2019"  # space, no-break spaces, apostrophes (Swiss) between thousands
SERIAL_YEARS = (1950, 2100)  # an Excel date serial outside these years is a number in the wrong column

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_MONTH_YEAR = re.compile(
    r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
)
_SERIAL = re.compile(r"\d{1,6}(?:\.\d+)?")
_PLAIN = re.compile(r"[+-]?\d+(?:\.\d+)?")  # the contract's number
_GROUPED = re.compile(r"\d{1,3}(?:([.," + re.escape(GROUP_SPACES) + r"])\d{3})(?:\1\d{3})*")


@dataclass(frozen=True)
class Rejected:
    """A row the reader could not put in the contract's form; the loader rejects it with `reason`."""

    values: list[str]
    reason: str


@dataclass
class Dialect:
    """What was detected about one landed file (or sheet); `describe()` is its load-ledger entry."""

    kind: str  # csv | xlsx
    delimiter: str = ","
    bom: bool = False
    crlf: bool = False
    sheet: str | None = None
    header_row: int = 1
    empty_trailing_columns: int = 0
    reads_numbers: bool = False  # number text is reinterpreted (not in comma files: the contract's '.')
    decimal_mark: str | None = "."
    date_style: str = "iso"  # iso | . | / | - | serial: the file's style of written dates
    date_order: str | None = None  # dmy | mdy, for / and - dates; None: the file never shows it
    epoch_1904: bool = False  # a workbook whose serials count from 1904 (old Mac Excel)
    notes: set[str] = field(default_factory=set)  # conversions that happened, e.g. Excel date serials

    def describe(self) -> str:
        parts = [f"{DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}-separated"]
        if self.kind == "xlsx":
            parts = [f"xlsx sheet '{self.sheet}'"]
        parts += ["UTF-8 BOM"] * self.bom + ["CRLF"] * self.crlf
        if self.header_row > 1:
            parts.append(f"header on row {self.header_row}")
        if self.empty_trailing_columns:
            parts.append(f"{self.empty_trailing_columns} empty unnamed trailing column(s) ignored")
        if self.reads_numbers and "numbers" in self.notes:
            mark = {".": "decimal point", ",": "decimal comma"}.get(self.decimal_mark or "", "decimal mark not shown")
            parts.append(f"numbers as text ({mark})")
        if self.date_style != "iso" and "dates" in self.notes:
            parts.append(f"dates {self.date_pattern()}")
        if "serials" in self.notes:
            parts.append("Excel date serials")
        return ", ".join(parts)

    def date_pattern(self) -> str:
        if self.date_style == "serial":
            return "as Excel serial numbers"
        sep = self.date_style
        order = "dmy" if sep == "." else self.date_order
        patterns = {"dmy": f"dd{sep}mm{sep}yyyy", "mdy": f"mm{sep}dd{sep}yyyy"}
        return patterns.get(order or "", f"??{sep}??{sep}yyyy (day/month order not shown)")


# --- numbers ----------------------------------------------------------------------------------------


def number_readings(body: str) -> dict[str, str]:
    """The contract's text of an unsigned number under each decimal mark it can be read with.

    '1.234' -> {'.': '1.234', ',': '1234'}; '1 234,5' -> {',': '1234.5'}; 'n/a' -> {}.
    """
    readings = {}
    for mark in ".,":
        if body.count(mark) > 1:
            continue
        whole, _, fraction = body.partition(mark)
        if (mark in body and not fraction.isdigit()) or not whole:
            continue
        if not whole.isdigit():
            grouped = _GROUPED.fullmatch(whole)
            if not grouped or grouped.group(1) == mark:
                continue
            whole = re.sub(r"\D", "", whole)
        if whole.isascii() and (not fraction or fraction.isascii()):
            readings[mark] = whole + (f".{fraction}" if fraction else "")
    return readings


def evident_mark(text: str) -> str | None:
    """The decimal mark a number's text shows by itself ('12,5' shows ',', '1.234' shows none)."""
    readings = number_readings(_unsigned(text)[1])
    if len(readings) == 1:
        return next(iter(readings))
    return None


def _unsigned(text: str) -> tuple[str, str]:
    t = text.strip()
    if t[:1] in ("-", "+"):
        return t[0], t[1:].strip()
    return "", t


def convert_number(column: str, text: str, mark: str | None) -> tuple[str, str | None]:
    """(contract text, reason to reject). Text that is no number at all is returned as it is: the
    loader then rejects it as 'is not a decimal number'."""
    sign, body = _unsigned(text)
    if not body:
        return text, None
    readings = number_readings(body)
    if not readings:
        return text, None
    if mark is not None:
        if mark in readings:
            return sign + readings[mark], None
        return text, f'{column} "{text}" is not a decimal number in this file, whose decimal mark is "{mark}"'
    values = set(readings.values())
    if len(values) == 1:
        return sign + values.pop(), None
    return text, (
        f'{column} "{text}" is ambiguous: it reads {readings["."]} with a decimal point and {readings[","]} '
        "with a decimal comma, and no other number in the file shows which mark it uses"
    )


# --- dates ------------------------------------------------------------------------------------------


def date_style(text: str) -> str | None:
    """iso, '.', '/', '-' (day-month-year order with that separator) or serial; None if none of these."""
    t = text.strip()
    if _ISO.match(t):
        return "iso"
    found = _DAY_MONTH_YEAR.fullmatch(t)
    if found:
        return found.group(2)
    if _SERIAL.fullmatch(t):
        return "serial"
    return None


def date_order_shown(text: str) -> str | None:
    """dmy or mdy when a '/' or '-' date shows its order by a part above 12, else None."""
    found = _DAY_MONTH_YEAR.fullmatch(text.strip())
    if not found or found.group(2) == ".":
        return None
    first, second = int(found.group(1)), int(found.group(3))
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    return None


def _month_day(month: int, day: int) -> str:
    return f"{day} {calendar.month_name[month]}" if 1 <= month <= 12 else "?"


def convert_date(column: str, kind: str, text: str, dialect: Dialect) -> tuple[str, str | None]:
    """A written date in the file's style as ISO text; (text, None) leaves it to the loader's check."""
    t = text.strip()
    style = date_style(t)
    if style is None or style == "iso" or style != dialect.date_style:
        return text, None
    if style == "serial":
        return convert_serial(column, kind, Decimal(t), dialect)
    found = _DAY_MONTH_YEAR.fullmatch(t)
    first, year = int(found.group(1)), found.group(4)
    second = int(found.group(3))
    if len(year) == 2:
        return text, f'{column} "{text}" has a two-digit year: the century cannot be told; write the full year'
    order = "dmy" if style == "." else date_order_shown(t) or dialect.date_order
    if order is None and first != second:
        if "conflict" in dialect.notes:
            why = "the file writes dates both day first and month first"
        else:
            why = "no date in the file has a day above 12 to show the order"
        return text, (
            f'{column} "{text}" is ambiguous: it may be {_month_day(second, first)} or '
            f"{_month_day(first, second)} {year}, and {why}; write YYYY-MM-DD"
        )
    day, month = (first, second) if order in ("dmy", None) else (second, first)
    hour, minute, second_ = (int(found.group(i) or 0) for i in (5, 6, 7))
    try:
        value = dt.datetime(int(year), month, day, hour, minute, second_)
    except ValueError as exc:
        return text, f'{column} "{text}" is not a valid date ({exc})'
    dialect.notes.add("dates")
    return iso_text(kind, value), None


def iso_text(kind: str, value: dt.datetime) -> str:
    """A date column keeps the day only; a timestamp at midnight is written as its day, like cell_text."""
    if kind == "date" or value.time() == dt.time(0):
        return value.date().isoformat()
    return value.isoformat(timespec="seconds")


def convert_serial(column: str, kind: str, serial: Decimal | float | int, dialect: Dialect) -> tuple[str, str | None]:
    """An Excel date serial (days since 1899-12-30; 1904 workbooks: since 1904-01-01) as ISO text."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    epoch = CALENDAR_MAC_1904 if dialect.epoch_1904 else CALENDAR_WINDOWS_1900
    try:
        value = from_excel(float(serial), epoch)
    except (OverflowError, ValueError):
        value = None
    if not isinstance(value, dt.datetime) or not SERIAL_YEARS[0] <= value.year <= SERIAL_YEARS[1]:
        shown = f" (as an Excel date serial it would be {value:%Y-%m-%d})" if isinstance(value, dt.datetime) else ""
        return str(serial), f"{column} {serial} is a number, not a date{shown}"
    value = value.replace(microsecond=0) + dt.timedelta(seconds=round(value.microsecond / 1e6))
    dialect.notes.add("serials")
    return iso_text(kind, value), None


# --- a file's evidence ------------------------------------------------------------------------------


@dataclass
class Evidence:
    """What a file's values show about its decimal mark and date style, with a first example of each."""

    marks: dict[str, str] = field(default_factory=dict)  # mark -> 'reading "12,5" (row 3)'
    grouped: int = 0  # numbers that are not the contract's form but read with '.' ('1,600', '1 234.5')
    styles: Counter = field(default_factory=Counter)
    orders: dict[str, str] = field(default_factory=dict)  # dmy | mdy -> example

    def look(self, kind: str | None, column: str, value: object, row_no: int) -> None:
        if not isinstance(value, str) or not value.strip():
            return
        if kind in NUMERIC:
            mark = evident_mark(value)
            if mark is not None:
                self.marks.setdefault(mark, f'{column} "{value}" (row {row_no})')
            if not _PLAIN.fullmatch(value.strip()) and "." in number_readings(_unsigned(value)[1]):
                self.grouped += 1
        elif kind in TEMPORAL:
            style = date_style(value)
            self.styles[style] += 1
            order = date_order_shown(value)
            if order is not None:
                self.orders.setdefault(order, f'{column} "{value}" (row {row_no})')

    def non_iso_dates(self) -> bool:
        return self.written_style() != "iso"

    def written_style(self) -> str:
        """The most common non-ISO style, when it is at least as common as ISO; else iso."""
        written = [(n, s) for s, n in self.styles.most_common() if s not in ("iso", None)]
        if written and written[0][0] >= self.styles["iso"]:
            return written[0][1]
        return "iso"


def gather(rows: Iterable[list[object]], kinds: list[str | None], header: list[str], first_row_no: int) -> Evidence:
    evidence = Evidence()
    looked = [(i, kinds[i], header[i]) for i in range(len(header)) if kinds[i] in NUMERIC + TEMPORAL]
    for offset, row in enumerate(rows):
        for i, kind, column in looked:
            if i < len(row):
                evidence.look(kind, column, row[i], first_row_no + offset)
    return evidence


def settle(dialect: Dialect, evidence: Evidence, mixed_marks_unreadable: bool) -> None:
    """Fix the file's decimal mark and date style from its evidence (raises ValueError on mixed marks
    where the file must be quarantined). A comma file's mark stays the contract's '.'."""
    if dialect.reads_numbers and not (dialect.kind == "csv" and dialect.delimiter == ","):
        if len(evidence.marks) == 2 and mixed_marks_unreadable:
            raise ValueError(
                f"mixes decimal marks: {evidence.marks['.']} uses '.', {evidence.marks[',']} uses ','; "
                "save it again with one decimal mark"
            )
        # None: the file never shows its mark (or shows both), so each value must show its own.
        dialect.decimal_mark = next(iter(evidence.marks)) if len(evidence.marks) == 1 else None
    dialect.date_style = evidence.written_style()
    if len(evidence.orders) == 1:
        dialect.date_order = next(iter(evidence.orders))
    elif len(evidence.orders) == 2:
        dialect.notes.add("conflict")


# --- converting rows --------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A typed spreadsheet cell as the text the contract expects (ISO dates, '.' decimals)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T") if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        # Excel stores numbers as doubles; the shortest repr is the number the user typed.
        text = repr(value)
        return str(int(value)) if value.is_integer() else format(Decimal(text), "f")
    return str(value)


class Converter:
    """Puts each row's values in the contract's form for a file's settled dialect."""

    def __init__(self, header: list[str], kinds: list[str | None], dialect: Dialect):
        self.header, self.kinds, self.dialect = header, kinds, dialect

    def value(self, i: int, value: object) -> tuple[str, str | None]:
        kind, column = self.kinds[i], self.header[i]
        if kind in TEMPORAL:
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                return convert_serial(column, kind, value, self.dialect)
            if isinstance(value, str):
                return convert_date(column, kind, value, self.dialect)
        elif kind in NUMERIC and isinstance(value, str) and self.dialect.reads_numbers:
            converted, reason = convert_number(column, value, self.dialect.decimal_mark)
            if converted != value.strip() and reason is None:
                self.dialect.notes.add("numbers")
            return converted, reason
        return cell_text(value), None

    def rows(self, rows: Iterable[list[object]]) -> Iterator[list[str] | Rejected]:
        for row in rows:
            if not row:
                yield []
                continue
            cells, reasons = [], []
            for i, value in enumerate(row):
                text, reason = self.value(i, value) if i < len(self.kinds) else (cell_text(value), None)
                cells.append(text)
                if reason:
                    reasons.append(reason)
            # A rejected row keeps its values as landed (typed cells as text), not half-converted.
            yield Rejected([cell_text(v) for v in row], "; ".join(reasons)) if reasons else cells


def trimmed(rows: Iterable[list], width: int) -> Iterator[list]:
    """Rows without empty fields past the header's width; an all-empty row becomes [] (a blank line)."""
    for row in rows:
        if len(row) > width:
            end = len(row)
            while end > width and _empty(row[end - 1]):
                end -= 1
            row = row[:end]
        first = row[0] if row else None
        if (not first or (isinstance(first, str) and first.isspace())) and all(_empty(v) for v in row):
            row = []  # cheap on the common path: only rows starting with an empty field are looked at whole
        yield row


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
