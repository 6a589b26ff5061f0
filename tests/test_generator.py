"""The sample-utility generator: deterministic, and every file parses back per the landing contract."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from devtools.generator import generate
from ingestion.loader import ingest_landing

DELIBERATE_REJECTS = (
    "is not a timestamp",
    "is not a decimal number",
    "meter_id is missing",
    "must be ≥ 0",
    'read_type "guessed" is not one of',
    "is not a valid IBAN",
    "is not a customer payment",
)


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def generate_in_new_process(out: Path, seed: int) -> None:
    command = [
        sys.executable,
        "-m",
        "m2c.cli",
        "generate",
        "--accounts",
        "40",
        "--months",
        "4",
        "--seed",
        str(seed),
        "--interval-meters",
        "1",
        "--out",
        str(out),
    ]
    subprocess.run(command, check=True, capture_output=True)


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    """Separate processes (own hash seeds) and a clock that has moved on must not change a byte."""
    generate_in_new_process(tmp_path / "a", seed=7)
    time.sleep(1.1)
    generate_in_new_process(tmp_path / "b", seed=7)
    generate(tmp_path / "c", accounts=40, months=4, seed=8, interval_meters=1)
    a, b, c = digests(tmp_path / "a"), digests(tmp_path / "b"), digests(tmp_path / "c")
    assert a == b
    assert any(name.endswith(".xlsx") for name in a)  # workbooks are byte-stable too
    assert a.keys() == c.keys() and a != c


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """16 months, so the mid-month tariff change (16th of month 15) falls inside the history."""
    out = tmp_path_factory.mktemp("sample")
    generate(out, accounts=260, months=16, seed=11, interval_meters=2)
    return out


def test_every_landing_source_is_written(sample: Path) -> None:
    names = {str(p.relative_to(sample)) for p in sample.rglob("*") if p.is_file()}
    for expected in (
        "accounts/accounts.csv",
        "service_points/service_points.csv",
        "meters/meters.csv",
        "contracts/contracts.csv",
        "tariffs/tariffs.xlsx",
        "readings/readings_2024-01.csv",
        "readings/apartments_2025-04.xlsx",
        "readings/interval/interval_2025-04.csv",
        "payments/camt053_2025-04.xml",
        "payments/counter_2025-04.csv",
    ):
        assert expected in names


def test_files_parse_back_per_the_contract(sample: Path, conn: psycopg.Connection) -> None:
    results = ingest_landing(conn, sample)
    assert [r for r in results if r.status != "loaded"] == []
    ledger = conn.execute("select count(*) from raw.load_ledger where rows_read <> rows_loaded + rows_rejected")
    assert ledger.fetchone()[0] == 0
    reasons = [r for (r,) in conn.execute("select distinct reason from raw.rejects")]
    assert reasons, "the sample carries a small share of deliberately bad rows"
    assert all(any(kind in reason for kind in DELIBERATE_REJECTS) for reason in reasons), [
        r for r in reasons if not any(kind in r for kind in DELIBERATE_REJECTS)
    ]
    # Files as spreadsheets save them (D56-D58): one readings file from Excel, one payments file from German Excel.
    shaped = conn.execute(
        """select file_name, dialect from raw.load_ledger
           where dialect <> 'comma-separated' and dialect not like 'xlsx%' order by 1"""
    ).fetchall()
    assert shaped == [
        (
            "counter_2025-04.csv",
            "semicolon-separated, UTF-8 BOM, CRLF, numbers as text (decimal comma), dates dd.mm.yyyy",
        ),
        ("readings_2024-02.csv", "comma-separated, UTF-8 BOM, CRLF, 3 empty unnamed trailing column(s) ignored"),
    ]
    rejected = conn.execute("select count(*) from raw.rejects where target = 'readings'").fetchone()[0]
    loaded = conn.execute("select count(*) from raw.readings").fetchone()[0]
    assert 0 < rejected < loaded * 0.005

    def one(query: str) -> object:
        return conn.execute(query).fetchone()[0]

    # Every customer class, and consolidated billing (a child pointing at a parent).
    assert one("select count(distinct customer_class) from raw.accounts") == 5
    assert one("select count(*) from raw.accounts a join raw.accounts p on p.account_id = a.parent_account_id") > 0
    # Apartment buildings: a master meter's service point with sub-metered units sharing by floor area.
    assert (
        one(
            """select count(*) from raw.service_points u join raw.service_points m
           on m.service_point_id = u.master_service_point_id where u.floor_area_m2 > 0"""
        )
        >= 16
    )
    # Rollover-prone 5-digit registers, and meter exchanges (a removal and a new install on one point).
    assert one("select count(*) from raw.meters where register_digits = 5") > 0
    assert (
        one(
            """select count(*) from raw.meters old join raw.meters new
           on new.service_point_id = old.service_point_id and new.installed_on = old.removed_on"""
        )
        > 0
    )
    assert one("select count(*) from raw.readings where read_type = 'removal'") > 0
    assert one("select count(*) from raw.readings where read_type = 'install'") > 0
    # Move-ins and move-outs mid-month.
    assert (
        one("select count(*) from raw.contracts where extract(day from start_date) > 1 and start_date > '2024-01-01'")
        > 0
    )
    assert one("select count(*) from raw.contracts where end_date is not null") > 0
    # The tariff book: three-block seasonal residential electricity with basic charges, a version change
    # in the middle of a month, a water tariff with a levy, commercial electricity and heat.
    assert (
        one(
            """select count(distinct block_no) from raw.tariff_blocks
           where tariff_code = 'RES-E1' and season = 'summer' and basic_charge is not null"""
        )
        == 3
    )
    assert one("select count(*) from raw.tariff_versions where extract(day from effective_from) <> 1") == 1
    assert one("select levy_rate from raw.tariff_versions where tariff_code = 'WAT-1'") > 0
    assert one("select count(*) from raw.tariff_versions where tariff_code in ('COM-E1', 'HEAT-1')") == 2
    # Issue 17's constructs (billing-rules section 9): a KEPCO-like tariff (riders, a fund truncated to 10
    # minor units, the total truncated to 0.10 EUR), water with VAT-exempt wastewater, and flats billed
    # by norm, per resident or per m², whose service points have no meter.
    assert conn.execute(
        "select charge_code, basis, rate, vat from raw.tariff_charges order by tariff_code, charge_code"
    ).fetchall() == [
        ("climate", "units", Decimal("0.009"), "true"),
        ("fuel", "units", Decimal("0.005"), "true"),
        ("fund", "percent", Decimal("0.037"), "false"),
        ("sewage", "units", Decimal("2.70"), "false"),
        ("sewage_standing", "month", Decimal("3.00"), "false"),
    ]
    assert one("select total_rounding_unit from raw.tariff_versions where tariff_code = 'RES-K1'") == Decimal("0.1")
    norm_points = conn.execute(
        """select v.norm_basis, count(*), count(*) filter (where exists (
               select 1 from raw.meters m where m.service_point_id = c.service_point_id))
           from raw.contracts c join raw.tariff_versions v using (tariff_code)
           join raw.service_points s using (service_point_id)
           where v.norm_basis is not null and s.residents > 0 and s.floor_area_m2 > 0 group by 1 order by 1"""
    ).fetchall()
    assert [(basis, metered) for basis, _, metered in norm_points] == [("area", 0), ("resident", 0)]
    assert all(count >= 2 for _, count, _ in norm_points)
    assert one("select count(*) from raw.contracts where tariff_code = 'RES-K1'") >= 3
    assert one("select count(*) from raw.contracts where tariff_code = 'WAT-S1'") >= 3
    # Readings: duplicates with a different value, a spreadsheet source, AMI intervals, unknown meters.
    assert (
        one(
            """select count(*) from (
             select 1 from raw.readings group by meter_id, read_at having count(distinct reading) > 1) as d"""
        )
        > 0
    )
    assert one("select count(*) from raw.readings where source = 'excel'") > 0
    # Two AMI meters: April 2025 (30 days) and March 2025 (31 days; the clocks go forward on the 30th
    # at 01:00 UTC: the file's offsets change from +01:00 to +02:00, no 02:xx local), 96 quarter-hours
    # a UTC day.
    assert one("select count(*) from raw.interval_readings") == 2 * 30 * 96 + 2 * 31 * 96
    march = (sample / "readings" / "interval" / "interval_2025-03.csv").read_text()
    assert ",2025-03-30T01:45:00+01:00," in march and ",2025-03-30T03:00:00+02:00," in march
    assert "2025-03-30T02:" not in march
    assert (
        one(
            """select count(*) from raw.readings as r
           where not exists (select 1 from raw.meters as m where m.meter_id = r.meter_id)"""
        )
        > 0
    )
    # Payments: both channels of files, reversals, references that match nothing, overpayments.
    assert one("select count(distinct channel) from raw.payments") >= 3
    assert one("select count(*) from raw.payments where entry_kind = 'reversal' and reversal_of is not null") > 0
    assert (
        one(
            """select count(*) from raw.payments p where not exists (
             select 1 from raw.accounts a where upper(p.reference) like '%' || a.account_id || '%')"""
        )
        > 0
    )
    # SEPA direct debit (D81-D85): mandates on (nearly) every direct-debit account, collections booked
    # under the invoice's RF reference, and returns with reason codes, as camt RvslInd and as pain.002.
    assert one("select count(*) from raw.accounts where mandate_id is not null and mandate_signed_on is not null") > 0
    assert one(
        "select count(*) from raw.accounts where payment_method = 'direct_debit' and mandate_id is null"
    ) < 0.05 * one("select count(*) from raw.accounts where payment_method = 'direct_debit'")
    assert (
        one(
            """select count(*) from raw.payments
               where channel = 'direct_debit' and entry_kind = 'credit' and end_to_end_id ~ '^RF[0-9]{2}INV'"""
        )
        > 0
    )
    returns = conn.execute(
        """select payment_id like 'RJCT-%', count(*) from raw.payments
           where entry_kind = 'reversal' and return_reason_code is not null group by 1 order by 1"""
    ).fetchall()
    assert [from_pain002 for from_pain002, count in returns if count > 0] == [False, True]
