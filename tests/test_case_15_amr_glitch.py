"""Case 15 (tests/cases/15-amr-sdm630-glitch-read/): an AMR meter's one wild read, 5000.00 between
1597.20 and 1600.40 on 31 March. The screen (int_reads_screened, D62) finds it; March, April and May
bill what the meter really advanced; nothing is held and nothing held reaches another invoice (D65).
Run once for the module (it costs a full `m2c run` through May)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from tests.cases import CaseRun, landing_of, run_case
from tests.conftest import create_database

CASE = "15-amr-sdm630-glitch-read"


@pytest.fixture(scope="module")
def glitch(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseRun]:
    url = create_database(server_url, "case_15_glitch")
    home: Path = tmp_path_factory.mktemp("case15")
    yield run_case(CASE, "2024-05", url, home, base_readings=False)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute('drop database if exists "case_15_glitch" with (force)')


def test_the_glitch_read_is_flagged_suspect_and_not_billed(glitch: CaseRun) -> None:
    """The 5000.00 of 31 March is above its next read (1600.40, 1 April) while 1597.20 <= 1600.40."""
    flags = glitch.rows(
        "select period, flag, reading, reason from marts.exc_reading_anomalies where meter_id = 'M101' order by period"
    )
    assert [(period, flag, reading) for period, flag, reading, _ in flags] == [
        ("2024-03", "SUSPECT", Decimal("5000.00"))
    ]
    assert "1600.40" in flags[0][3] and "1597.20" in flags[0][3]


def test_each_month_bills_what_the_meter_advanced(glitch: CaseRun) -> None:
    """March 1597.20 - 1500.00 = 97.20 kWh (x 0.20 = 19.44), April 1702.30 - 1597.20 = 105.10 (21.02),
    May 1810.70 - 1702.30 = 108.40 (21.68); none of them NEGATIVE. Together 310.70 kWh = 1810.70 - 1500.00."""
    usage = glitch.rows(
        """select period, usage_units, is_negative from intermediate.int_meter_periods
           where meter_id = 'M101' and period between '2024-03' and '2024-05' order by period"""
    )
    assert usage == [
        ("2024-03", Decimal("97.20"), False),
        ("2024-04", Decimal("105.10"), False),
        ("2024-05", Decimal("108.40"), False),
    ]
    charges = glitch.rows(
        """select period, sum(amount) from marts.fct_invoice_lines
           where account_id = 'A000101' and line_type = 'energy' and period between '2024-03' and '2024-05'
           group by period order by period"""
    )
    assert charges == [("2024-03", Decimal("19.44")), ("2024-04", Decimal("21.02")), ("2024-05", Decimal("21.68"))]


def test_issued_invoices_bill_at_most_what_the_meter_advanced(glitch: CaseRun) -> None:
    """Issued March-May invoices of A000101 bill 97.20 + 105.10 + 108.40 = 310.70 kWh, each once."""
    billed = glitch.scalar(
        """select sum(lines.quantity) from marts.fct_invoice_lines as lines
           inner join marts.fct_invoices as invoices on lines.invoice_id = invoices.invoice_id
           where invoices.account_id = 'A000101' and invoices.status = 'issued'
             and invoices.period between '2024-03' and '2024-05' and lines.line_type = 'energy'"""
    )
    assert billed == Decimal("310.700")


def test_no_held_line_reaches_another_invoice_without_a_release(glitch: CaseRun) -> None:
    """Every line carried from an earlier invoice comes from a small bill or a released one, never a held one."""
    carried_from_held = glitch.scalar(
        """select count(*) from marts.fct_invoice_lines as lines
           inner join marts.fct_invoices as origin
             on origin.invoice_id = 'INV-' || replace(lines.carried_from_period, '-', '') || '-' || lines.account_id
           where lines.carried_from_period is not null and origin.status = 'held'
             and not exists (select 1 from review.bill_decisions as decisions
                             where decisions.invoice_id = origin.invoice_id and decisions.action = 'release')"""
    )
    assert carried_from_held == 0
    statuses = glitch.rows("select period, status from marts.fct_invoices where account_id = 'A000101' order by period")
    assert statuses == [("2024-02", "issued"), ("2024-03", "issued"), ("2024-04", "issued"), ("2024-05", "issued")]


def m2c(home: Path, url: str, *args: str) -> None:
    """One `m2c` command on the case's home and database, as run_case runs `m2c run`."""
    env = os.environ | {
        "M2C_HOME": str(home),
        "M2C_LANDING_DIR": str(home / "landing"),
        "M2C_DATABASE_URL": url,
        "M2C_FIRST_PERIOD": "",
    }
    env.pop("M2C_POLICY", None)
    done = subprocess.run([sys.executable, "-m", "m2c.cli", *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_glitch_found_after_its_period_was_closed(server_url: str, tmp_path: Path) -> None:
    """The same meter, but the glitch is 3000.00 (1402.80 kWh in 24 hours: 58.45 an hour, under the
    residential 60, so not SUSPECT on its own) and the April and May polls land only after March was
    billed and closed. March billed 3000.00 - 1500.00 = 1500 kWh = 300.00, over 2.5 x February's
    100.00: held. April's first read 1600.40 shows the 3000.00 was bad: April measures from 1597.20,
    1702.30 - 1597.20 = 105.10 kWh, no NEGATIVE, no credit; March stays held and carried nowhere. Invoice
    amounts are the invoices' own charges (105.10 x 0.20 = 21.02, 108.40 x 0.20 = 21.68), without the late
    charge lines that the unpaid February invoice adds (billing-rules section 7)."""
    url = create_database(server_url, "case_15_late")
    landing = landing_of(CASE, tmp_path, base_readings=False)
    later = tmp_path / "later"
    later.mkdir()
    for name in ("amr_20240401T020003.csv", "amr_20240430T020002.csv", "amr_20240531T020002.csv"):
        shutil.move(landing / "readings" / "amr" / name, later / name)
    glitch_file = landing / "readings" / "amr" / "amr_20240331T020002.csv"
    glitch_file.write_text(glitch_file.read_text().replace("5000.00", "3000.00"))
    m2c(tmp_path, url, "run", "--through", "2024-03")
    m2c(tmp_path, url, "close", "2024-02")
    m2c(tmp_path, url, "close", "2024-03")
    for path in later.iterdir():
        shutil.move(path, landing / "readings" / "amr" / path.name)
    m2c(tmp_path, url, "run", "--through", "2024-05")
    run = CaseRun(url, tmp_path, "")
    assert run.rows(
        """select period, usage_units, is_negative, correction_units from intermediate.int_meter_periods
           where meter_id = 'M101' and period >= '2024-03' order by period"""
    ) == [
        ("2024-03", Decimal("1500.00"), False, Decimal("0")),
        ("2024-04", Decimal("105.10"), False, Decimal("0")),
        ("2024-05", Decimal("108.40"), False, Decimal("0")),
    ]
    assert run.rows(
        "select period, flag, reading from marts.exc_reading_anomalies where meter_id = 'M101' order by period"
    ) == [("2024-04", "SUSPECT", Decimal("3000.00"))]
    assert run.rows(
        """select period, status, total_amount - late_charge_amount, carried_forward_amount from marts.fct_invoices
           where account_id = 'A000101' and period >= '2024-03' order by period"""
    ) == [
        ("2024-03", "held", Decimal("300.00"), Decimal("0")),
        ("2024-04", "issued", Decimal("21.02"), Decimal("0")),
        ("2024-05", "issued", Decimal("21.68"), Decimal("0")),
    ]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute('drop database if exists "case_15_late" with (force)')
