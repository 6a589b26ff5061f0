"""Case 07: a readings CSV saved by Excel (UTF-8 BOM, CRLF, every line ending in ',,,', an all-empty
last row). Before D56 every row was rejected for its field count and March was estimated instead."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest

from tests.cases import CaseRun, run_case
from tests.conftest import create_database

CASE = "07-csv-excel-trailing-empty-columns"


@pytest.fixture(scope="module")
def case(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseRun]:
    """One `m2c run --through 2024-03` of the case, shared by the module's assertions."""
    name = f"t_case07_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    yield run_case(CASE, "2024-03", url, tmp_path_factory.mktemp("case07"))
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def test_the_three_reads_load_and_nothing_is_rejected(case: CaseRun) -> None:
    """The header's three unnamed empty columns and each row's three empty fields are ignored; the
    ',,,,,,,' row is a blank line: 3 rows read, 3 loaded, 0 rejected."""
    ledger = case.rows(
        """select rows_read, rows_loaded, rows_rejected, file_dialect from marts.fct_landed_files
           where folder = 'readings' and file_name = 'readings_2024-03.csv'"""
    )
    assert ledger == [(3, 3, 0, "comma-separated, UTF-8 BOM, CRLF, 3 empty unnamed trailing column(s) ignored")]
    assert case.scalar("select count(*) from raw.rejects") == 0
    reads = case.rows(
        "select meter_id, reading from raw.readings where read_at = '2024-03-31 10:00:00' order by meter_id"
    )
    assert reads == [("M101", Decimal("1600")), ("M102", Decimal("2300")), ("M103", Decimal("3200"))]


def test_march_usage_is_actual(case: CaseRun) -> None:
    """Register on 29 Feb -> 31 Mar: M101 1500 -> 1600 = 100, M102 2250 -> 2300 = 50,
    M103 3100 -> 3200 = 100 kWh, all from actual reads (not estimated)."""
    usage = case.rows(
        """select service_point_id, usage_units, read_type, is_estimated from marts.fct_usage
           where period = '2024-03' order by 1"""
    )
    assert usage == [
        ("SP101", Decimal("100"), "actual", False),
        ("SP102", Decimal("50"), "actual", False),
        ("SP103", Decimal("100"), "actual", False),
    ]


def test_march_charges_are_billed_from_the_reads(case: CaseRun) -> None:
    """RES-E1 at 0.20 EUR/kWh: 100 x 0.20 = 20.00, 50 x 0.20 = 10.00, 100 x 0.20 = 20.00 (late charges
    on the unpaid February invoices are lines of their own and not counted)."""
    charges = case.rows(
        """select account_id, sum(amount) from marts.fct_invoice_lines
           where period = '2024-03' and line_type not in ('late_charge', 'levy', 'vat') group by 1 order by 1"""
    )
    assert charges == [("A000101", Decimal("20.00")), ("A000102", Decimal("10.00")), ("A000103", Decimal("20.00"))]
