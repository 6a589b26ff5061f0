"""Case 20 (tests/cases/20-norm-and-unmetered-gaps/): days without a meter (billing-rules section 9,
D121, D122), end to end through `m2c run`: a flat whose meter is installed mid-month is billed the norm
before it and the meter after; an unmetered flat without residents and an unmetered point on a tariff
without a norm are flagged MISSING rather than silently unbilled. Run once for the module."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from tests.cases import CaseRun, run_case
from tests.conftest import create_database

CASE = "20-norm-and-unmetered-gaps"


@pytest.fixture(scope="module")
def bills(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseRun]:
    url = create_database(server_url, "case_20_norm_gaps")
    home: Path = tmp_path_factory.mktemp("case20")
    yield run_case(CASE, "2025-08", url, home, base_readings=False, first_period="2025-08")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute('drop database if exists "case_20_norm_gaps" with (force)')


def test_a_meter_installed_on_the_11th_leaves_the_days_before_to_the_norm(bills: CaseRun) -> None:
    """August has 31 days. Norm for 1-11 August (the install read closes the 11th): 4.85 m3 x 2
    residents x 11/31 = 3.441935 m3 x 50.00 = 172.09675 -> 172.10 RUB. Meter M202 from the 12th:
    106 - 100 = 6 m3 x 50.00 = 300.00 RUB. Total 472.10 RUB (no VAT)."""
    lines = bills.rows(
        """select meter_ids, part_from::text, part_to::text, quantity, amount from marts.fct_invoice_lines
           where invoice_id = 'INV-202508-A000202' order by part_from"""
    )
    assert lines == [
        ("norm", "2025-08-01", "2025-08-11", Decimal("3.442"), Decimal("172.10")),
        ("M202", "2025-08-12", "2025-08-31", Decimal("6.000"), Decimal("300.00")),
    ]
    total = bills.scalar("select total_amount from marts.fct_invoices where invoice_id = 'INV-202508-A000202'")
    assert total == Decimal("472.10")
    norm = bills.rows(
        """select norm_quantity, part_days, units from marts.fct_norm_usage
           where period = '2025-08' and contract_id = 'C202'"""
    )
    assert norm == [(Decimal("2"), 11, Decimal("3.441935"))]


def test_points_neither_a_meter_nor_a_norm_bills_are_flagged_missing(bills: CaseRun) -> None:
    """SP201 (RU-W per resident, no residents) and SP203 (DE-W, no norm) have no meter: no invoice,
    one MISSING row each for their 31 days, without a meter, with the reason."""
    invoices = bills.scalar(
        "select count(*) from marts.fct_invoices where account_id in ('A000201', 'A000203') and period = '2025-08'"
    )
    assert invoices == 0
    flags = bills.rows(
        """select service_point_id, flag, meter_id, read_at, reason from marts.exc_reading_anomalies
           where period = '2025-08' and meter_id is null order by service_point_id"""
    )
    assert flags == [
        (
            "SP201",
            "MISSING",
            None,
            None,
            "contract C201 (account A000201) on service point SP201: 31 day(s) from 2025-08-01 to 2025-08-31 not"
            " billed: no meter is installed and tariff RU-W bills a norm per resident, but the service point has"
            " no residents registered",
        ),
        (
            "SP203",
            "MISSING",
            None,
            None,
            "contract C203 (account A000203) on service point SP203: 31 day(s) from 2025-08-01 to 2025-08-31 not"
            " billed: no meter is installed and tariff DE-W (version of 2025-01-01) sets no norm",
        ),
    ]
