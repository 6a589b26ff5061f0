"""Files as spreadsheets write them (D56-D58): each shape loads with exact values, or is rejected or
quarantined with a reason that names the real problem; the detected dialect is in the load ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from openpyxl import Workbook

from ingestion.dialects import Dialect, convert_date, convert_number, convert_serial, evident_mark
from ingestion.loader import ingest_landing

# --- values, without a database ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1234", None, ("1234", None)),
        ("12,5", None, ("12.5", None)),  # ',' followed by 1 digit can only be a decimal mark
        ("1.234,5", None, ("1234.5", None)),  # both marks: the last one is the decimal mark
        ("1,234.5", None, ("1234.5", None)),
        ("1\u00a0234,50", None, ("1234.50", None)),  # no-break space between thousands (French Excel)
        ("1'234.50", None, ("1234.50", None)),  # apostrophe between thousands (Swiss)
        ("1.234.567", None, ("1234567", None)),  # a repeated '.' groups thousands
        ("-1,5", None, ("-1.5", None)),  # the sign stays: the loader's check rejects it with its reason
        (" 1600 ", None, ("1600", None)),
        ("1.234", ",", ("1234", None)),  # the file's decimal mark is ',': '.' groups thousands
        ("1,234", ".", ("1234", None)),
        ("n/a", ",", ("n/a", None)),  # no number at all: left to the loader ("is not a decimal number")
        ("12.5", ",", ("12.5", 'reading "12.5" is not a decimal number in this file, whose decimal mark is ","')),
        (
            "1,234",
            None,
            (
                "1,234",
                'reading "1,234" is ambiguous: it reads 1234 with a decimal point and 1.234 with a decimal comma, '
                "and no other number in the file shows which mark it uses",
            ),
        ),
    ],
)
def test_numbers_written_as_text(text: str, mark: str | None, expected: tuple[str, str | None]) -> None:
    assert convert_number("reading", text, mark) == expected


def test_only_an_unambiguous_number_shows_its_files_decimal_mark() -> None:
    assert [evident_mark(t) for t in ("12,5", "1.234,5", "12.5", "1.234.567", "1.234", "1,234", "1234")] == [
        ",",
        ",",
        ".",
        ",",
        None,
        None,
        None,
    ]


def test_dates_as_spreadsheets_write_them() -> None:
    dotted = Dialect("csv", delimiter=";", date_style=".")
    assert convert_date("read_at", "timestamp", "31.03.2024 10:00", dotted) == ("2024-03-31T10:00:00", None)
    assert convert_date("read_at", "timestamp", "29.02.2024", dotted) == ("2024-02-29", None)
    assert convert_date("opened_on", "date", "05.01.2024 00:00", dotted) == ("2024-01-05", None)
    assert convert_date("read_at", "timestamp", "2024-03-31T10:00:00", dotted) == ("2024-03-31T10:00:00", None)
    assert convert_date("read_at", "timestamp", "31.02.2024", dotted) == (
        "31.02.2024",
        'read_at "31.02.2024" is not a valid date (day is out of range for month)',
    )
    assert convert_date("read_at", "timestamp", "31.03.24", dotted) == (
        "31.03.24",
        'read_at "31.03.24" has a two-digit year: the century cannot be told; write the full year',
    )
    slashed = Dialect("csv", delimiter=";", date_style="/")
    assert convert_date("read_at", "timestamp", "03/04/2024", slashed) == (
        "03/04/2024",
        'read_at "03/04/2024" is ambiguous: it may be 3 April or 4 March 2024, and no date in the file has '
        "a day above 12 to show the order; write YYYY-MM-DD",
    )
    assert convert_date("read_at", "timestamp", "31/03/2024", slashed) == ("2024-03-31", None)  # 31 is no month
    assert convert_date("read_at", "timestamp", "04/04/2024", slashed) == ("2024-04-04", None)  # either order
    slashed.date_order = "mdy"
    assert convert_date("read_at", "timestamp", "03/04/2024 8:05", slashed) == ("2024-03-04T08:05:00", None)


def test_excel_date_serials() -> None:
    """Serial 45382 = 2024-01-01 (serial 45292) + 31 + 29 + 30 days = 2024-03-31; .5 is noon."""
    dialect = Dialect("xlsx")
    assert convert_serial("read_at", "timestamp", 45382, dialect) == ("2024-03-31", None)
    assert convert_serial("read_at", "timestamp", 45382.5, dialect) == ("2024-03-31T12:00:00", None)
    assert convert_serial("read_at", "timestamp", 1600, dialect) == (
        "1600",
        "read_at 1600 is a number, not a date (as an Excel date serial it would be 1904-05-18)",
    )


# --- files through the loader -----------------------------------------------------------------------


def land(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    landing = tmp_path / "landing"
    path = landing / "readings" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return landing


def land_sheet(tmp_path: Path, name: str, rows: list[list[object]]) -> Path:
    landing = tmp_path / "landing"
    book = Workbook()
    for row in rows:
        book.active.append(row)
    (landing / "readings").mkdir(parents=True, exist_ok=True)
    book.save(landing / "readings" / name)
    return landing


def loaded(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute("select meter_id, read_at::text, reading::text from raw.readings order by meter_id").fetchall()


def rejected(conn: psycopg.Connection) -> dict[int, str]:
    return dict(conn.execute("select row_no, reason from raw.rejects order by row_no").fetchall())


def ledger(conn: psycopg.Connection) -> tuple:
    return conn.execute(
        "select status, reason, rows_read, rows_loaded, rows_rejected, dialect from raw.load_ledger"
    ).fetchone()


def test_an_excel_saved_csv(tmp_path: Path, conn: psycopg.Connection) -> None:
    """BOM, CRLF, ',,,' after every line, all-empty rows (rows 3 and 6): 3 rows read, 2 loaded; row 5
    has a value in an unnamed column, so 8 fields against a header of 5."""
    text = (
        "\ufeffmeter_id,read_at,reading,read_type,source,,,\r\n"
        "M1,2024-03-31T10:00:00,1600,actual,handheld,,,\r\n"
        ",,,,,,,\r\n"
        "M2,2024-03-31T10:00:00,2300.5,actual,handheld,,,\r\n"
        "M3,2024-03-31T10:00:00,3200,actual,handheld,,,note\r\n"
        ",,,,,,,\r\n"
    )
    ingest_landing(conn, land(tmp_path, "excel.csv", text))
    assert loaded(conn) == [("M1", "2024-03-31 10:00:00", "1600"), ("M2", "2024-03-31 10:00:00", "2300.5")]
    assert rejected(conn) == {5: "row has 8 fields but the header has 5"}
    assert ledger(conn) == (
        "loaded",
        None,
        3,
        2,
        1,
        "comma-separated, UTF-8 BOM, CRLF, 3 empty unnamed trailing column(s) ignored",
    )


def test_a_german_excel_csv_with_a_title(tmp_path: Path, conn: psycopg.Connection) -> None:
    """';' separators, a title and an empty row above the header (row 3), decimal commas with '.'
    between thousands, dd.mm.yyyy dates. 1.234,5 -> 1234.5; -1,5 -> -1.5 (rejected: below 0)."""
    text = (
        "Zählerstände März 2024;;;;\n"
        ";;;;\n"
        "meter_id;read_at;reading;read_type;source\n"
        "M1;31.03.2024 10:00;1.234,5;actual;handheld\n"
        "M2;29.02.2024;2300;actual;handheld\n"
        "M4;31.02.2024;5;actual;handheld\n"
        "M5;31.03.2024;-1,5;actual;handheld\n"
        "M6;31.03.2024;7;actual;handheld;extra\n"
    )
    ingest_landing(conn, land(tmp_path, "zaehler.csv", text))
    assert loaded(conn) == [("M1", "2024-03-31 10:00:00", "1234.5"), ("M2", "2024-02-29 00:00:00", "2300")]
    assert rejected(conn) == {
        6: 'read_at "31.02.2024" is not a valid date (day is out of range for month)',
        7: "reading -1.5 must be ≥ 0",
        8: "row has 6 fields but the header has 5 (fields separated by semicolon ';')",
    }
    assert ledger(conn)[2:] == (
        5,
        2,
        3,
        "semicolon-separated, header on row 3, numbers as text (decimal comma), dates dd.mm.yyyy",
    )


def test_a_french_excel_csv(tmp_path: Path, conn: psycopg.Connection) -> None:
    """No-break spaces between thousands, dd/mm/yyyy: row 2's 31/03 shows the day comes first, so
    03/04/2024 is 3 April; an ISO date among them is kept."""
    text = (
        "meter_id;read_at;reading;source\r\n"
        "M1;31/03/2024 09:30;1\u00a0234,50;portal\r\n"
        "M2;03/04/2024;12 000;portal\r\n"
        "M3;2024-04-05T08:00:00;7,25;portal\r\n"
    )
    ingest_landing(conn, land(tmp_path, "releves.csv", text))
    assert loaded(conn) == [
        ("M1", "2024-03-31 09:30:00", "1234.50"),
        ("M2", "2024-04-03 00:00:00", "12000"),
        ("M3", "2024-04-05 08:00:00", "7.25"),
    ]
    assert rejected(conn) == {}
    assert ledger(conn)[5] == "semicolon-separated, CRLF, numbers as text (decimal comma), dates dd/mm/yyyy"


def test_what_a_file_never_shows_is_rejected_not_guessed(tmp_path: Path, conn: psycopg.Connection) -> None:
    """No day above 12 and no number with a telling decimal mark: 03/04/2024 and 1.234 are rejected;
    05/05/2024 reads the same either way; 12 has no mark."""
    text = "meter_id;read_at;reading\nM1;03/04/2024;10\nM2;05/05/2024;1.234\nM3;05/05/2024;12\n"
    ingest_landing(conn, land(tmp_path, "vague.csv", text))
    assert loaded(conn) == [("M3", "2024-05-05 00:00:00", "12")]
    assert rejected(conn) == {
        2: 'read_at "03/04/2024" is ambiguous: it may be 3 April or 4 March 2024, and no date in the file has '
        "a day above 12 to show the order; write YYYY-MM-DD",
        3: 'reading "1.234" is ambiguous: it reads 1.234 with a decimal point and 1234 with a decimal comma, '
        "and no other number in the file shows which mark it uses",
    }


def test_a_semicolon_file_mixing_decimal_marks_is_quarantined(tmp_path: Path, conn: psycopg.Connection) -> None:
    text = "meter_id;read_at;reading\nM1;31.03.2024;1600,5\nM2;31.03.2024;2300.5\n"
    results = ingest_landing(conn, land(tmp_path, "mixed.csv", text))
    reason = (
        "this semicolon-separated file mixes decimal marks: reading \"2300.5\" (row 3) uses '.', "
        "reading \"1600,5\" (row 2) uses ','; save it again with one decimal mark"
    )
    assert [(r.status, r.reason) for r in results] == [("quarantined", reason)]
    assert ledger(conn) == ("quarantined", reason, 0, 0, 0, "semicolon-separated")


def test_a_us_excel_csv_with_month_first_dates(tmp_path: Path, conn: psycopg.Connection) -> None:
    """Comma-separated with m/d/yyyy h:mm (US Excel): 3/31 shows the month comes first."""
    text = "meter_id,read_at,reading\nM1,3/31/2024 10:00,1600\nM2,4/1/2024 8:05,2300\n"
    ingest_landing(conn, land(tmp_path, "us.csv", text))
    assert loaded(conn) == [("M1", "2024-03-31 10:00:00", "1600"), ("M2", "2024-04-01 08:05:00", "2300")]
    assert ledger(conn)[5] == "comma-separated, dates mm/dd/yyyy"


def test_a_comma_file_with_thousands_separators(tmp_path: Path, conn: psycopg.Connection) -> None:
    """A comma file's decimal mark is the contract's '.': "1,600" is 1600 and 1 234.5 is 1234.5, while
    "1600,5" (a decimal comma) is refused."""
    text = 'meter_id,read_at,reading\nM1,2024-03-31,"1,600"\nM2,2024-03-31,1 234.5\nM3,2024-03-31,"1600,5"\n'
    ingest_landing(conn, land(tmp_path, "grouped.csv", text))
    assert loaded(conn) == [("M1", "2024-03-31 00:00:00", "1600"), ("M2", "2024-03-31 00:00:00", "1234.5")]
    assert rejected(conn) == {4: 'reading "1600,5" is not a decimal number in this file, whose decimal mark is "."'}
    assert ledger(conn)[5] == "comma-separated, numbers as text (decimal point)"


def test_a_csv_without_a_header_says_so(tmp_path: Path, conn: psycopg.Connection) -> None:
    results = ingest_landing(conn, land(tmp_path, "german_names.csv", "Zähler;Datum;Stand\nM1;31.03.2024;5\n"))
    assert [r.reason for r in results] == [
        "no header row: none of the first 20 lines names a column of readings "
        "(expected meter_id, read_at, reading); the first row reads 'Zähler;Datum;Stand'"
    ]


def test_a_workbook_with_a_title_serials_and_numbers_as_text(tmp_path: Path, conn: psycopg.Connection) -> None:
    """Title on row 1, row 2 empty, header on row 3. Serial 45382 = 2024-03-31 (45382.5: noon);
    '1 600' -> 1600; '2.300,5' -> 2300.5 (the sheet's text numbers show a decimal comma); a real date
    and number cell as typed; 1600 in read_at is no plausible date; 'n/a' is no number."""
    landing = land_sheet(
        tmp_path,
        "apartments.xlsx",
        [
            ["Meter readings March 2024"],
            [],
            ["meter_id", "read_at", "reading", "read_type", "source"],
            ["M1", 45382, "1 600", "actual", "excel"],
            ["M2", 45382.5, "2.300,5", "actual", "excel"],
            ["M3", dt.datetime(2024, 3, 31, 10, 0), 3200.25, "actual", "excel"],
            ["M4", 1600, 5, "actual", "excel"],
            ["M5", "31.03.2024", "n/a", "actual", "excel"],
        ],
    )
    ingest_landing(conn, landing)
    assert loaded(conn) == [
        ("M1", "2024-03-31 00:00:00", "1600"),
        ("M2", "2024-03-31 12:00:00", "2300.5"),
        ("M3", "2024-03-31 10:00:00", "3200.25"),
    ]
    assert rejected(conn) == {
        7: "read_at 1600 is a number, not a date (as an Excel date serial it would be 1904-05-18)",
        8: 'reading "n/a" is not a decimal number (use . for decimals)',
    }
    assert ledger(conn)[5] == (
        "xlsx sheet 'Sheet', header on row 3, numbers as text (decimal comma), dates dd.mm.yyyy, Excel date serials"
    )


def test_a_workbook_without_a_header_says_so(tmp_path: Path, conn: psycopg.Connection) -> None:
    landing = land_sheet(tmp_path, "nameless.xlsx", [["Zähler", "Datum", "Stand"], ["M1", 45382, 5]])
    results = ingest_landing(conn, landing)
    assert [r.reason for r in results] == [
        "no header row: none of the first 20 rows of sheet 'Sheet' names a column of readings "
        "(expected meter_id, read_at, reading); the first row reads 'Zähler | Datum | Stand'"
    ]


def test_loaded_values_keep_their_decimal_precision(tmp_path: Path, conn: psycopg.Connection) -> None:
    """A decimal comma value is numeric, never float: 0,1 + 0,2 sums to exactly 0.3."""
    text = "meter_id;read_at;reading\nM1;31.03.2024;0,1\nM2;31.03.2024;0,2\n"
    ingest_landing(conn, land(tmp_path, "small.csv", text))
    assert conn.execute("select sum(reading) from raw.readings").fetchone()[0] == Decimal("0.3")


def test_a_tab_separated_file_with_decimal_points(tmp_path: Path, conn: psycopg.Connection) -> None:
    """Tabs split the header into the contract's names; 12.75 shows the '.' mark, so 1,200 is 1200."""
    text = "meter_id\tread_at\treading\nM1\t2024-03-31\t12.75\nM2\t2024-03-31\t1,200\n"
    ingest_landing(conn, land(tmp_path, "export.csv", text))
    assert loaded(conn) == [("M1", "2024-03-31 00:00:00", "12.75"), ("M2", "2024-03-31 00:00:00", "1200")]
    assert ledger(conn)[5] == "tab-separated, numbers as text (decimal point)"


def test_a_tariff_workbook_with_titles_above_its_headers(tmp_path: Path, conn: psycopg.Connection) -> None:
    """Each sheet finds its own header (row 2 of versions, row 3 of blocks); the version's date is a
    serial (45292 = 2024-01-01) and its VAT rate text with a decimal comma (0,19 -> 0.19)."""
    book = Workbook()
    versions = book.active
    versions.title = "versions"
    for row in (
        ["Tariffs 2024"],
        ["tariff_code", "service", "effective_from", "vat_rate", "currency"],
        ["RES-E1", "electricity", 45292, "0,19", "EUR"],
    ):
        versions.append(row)
    blocks = book.create_sheet("blocks")
    for row in (
        ["Prices"],
        [],
        ["tariff_code", "effective_from", "block_no", "from_units", "unit_price"],
        ["RES-E1", dt.datetime(2024, 1, 1), 1, 0, 0.2],
    ):
        blocks.append(row)
    (tmp_path / "landing" / "tariffs").mkdir(parents=True)
    book.save(tmp_path / "landing" / "tariffs" / "tariffs.xlsx")
    ingest_landing(conn, tmp_path / "landing")
    versions_loaded = conn.execute("select tariff_code, effective_from::text, vat_rate::text from raw.tariff_versions")
    assert versions_loaded.fetchall() == [("RES-E1", "2024-01-01", "0.19")]
    assert conn.execute("select unit_price::text from raw.tariff_blocks").fetchall() == [("0.2",)]
    dialects = conn.execute("select target, dialect from raw.load_ledger order by target").fetchall()
    assert dialects == [
        ("tariff_blocks", "xlsx sheet 'blocks', header on row 3"),
        (
            "tariff_versions",
            "xlsx sheet 'versions', header on row 2, numbers as text (decimal comma), Excel date serials",
        ),
    ]
