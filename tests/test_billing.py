"""Billing through Dagster on a generated sample: periods in order, closing, freezing, the blocking gate."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from openpyxl import load_workbook

from core import closing
from devtools.generator import generate, normalise_zip
from tests.conftest import clone_database, create_database, drop_database
from tests.dbt_runner import run_dbt
from tests.helpers import environment, run_job, run_job_result, scalar


def bill(url: str, period: str) -> bool:
    return run_job("bill_period", url, partition_key=period)


def snapshot(url: str, period: str) -> tuple[list, list]:
    with psycopg.connect(url) as conn:
        invoices = conn.execute("select * from marts.fct_invoices where period = %s order by invoice_id", (period,))
        lines = conn.execute(
            "select * from marts.fct_invoice_lines where period = %s order by invoice_id, line_no", (period,)
        )
        return invoices.fetchall(), lines.fetchall()


def double_tariff_prices(workbook: Path) -> None:
    book = load_workbook(workbook)
    blocks = book["blocks"]
    price = [cell.value for cell in blocks[1]].index("unit_price") + 1
    for row in blocks.iter_rows(min_row=2):
        row[price - 1].value = row[price - 1].value * 2
    book.save(workbook)
    normalise_zip(workbook)


@pytest.fixture(scope="module")
def billed_once(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A utility billed for January and February, built once: the database's name and its landing."""
    name = f"billing_{uuid.uuid4().hex[:6]}"
    url = create_database(server_url, name)
    landing = tmp_path_factory.mktemp("billing") / "landing"
    generate(landing, accounts=120, months=3, seed=21, interval_meters=1)
    assert run_job("ingest_landing", url, landing=landing)
    assert run_job("build_reference_models", url)
    for period in ("2024-01", "2024-02"):
        assert bill(url, period)
    return name, landing


@pytest.fixture
def billed(server_url: str, billed_once: tuple[str, Path], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A copy of the billed utility (database and landing) that the test may change."""
    name, landing = billed_once
    url = clone_database(server_url, name)
    copy = shutil.copytree(landing, tmp_path / "landing")
    yield url, copy
    drop_database(server_url, url)


def test_periods_bill_in_order_and_tie_out(billed: tuple[str, Path]) -> None:
    url, _ = billed
    assert scalar(url, "select count(distinct period) from marts.fct_invoices") == 2
    # Every invoice equals the sum of its rounded lines, and every billed line has a tariff version.
    assert (
        scalar(
            url,
            """select count(*) from marts.fct_invoices i
           where i.total_amount <> (
             select sum(l.amount) from marts.fct_invoice_lines l where l.invoice_id = i.invoice_id)""",
        )
        == 0
    )
    assert (
        scalar(
            url,
            "select count(*) from marts.fct_invoice_lines where line_type = 'energy' and tariff_effective_from is null",
        )
        == 0
    )
    # February's usage starts where January's reads ended: state carried between periods.
    assert (
        scalar(
            url,
            """select count(*) from intermediate.int_meter_periods feb
           join intermediate.int_meter_periods jan on jan.meter_id = feb.meter_id and jan.period = '2024-01'
           where feb.period = '2024-02' and feb.read_kind = 'actual' and jan.read_kind = 'actual'
             and feb.baseline_reading <> jan.billing_reading""",
        )
        == 0
    )
    bill_date, due_date = (
        psycopg.connect(url)
        .execute("select distinct bill_date, due_date from marts.fct_invoices where period = '2024-01'")
        .fetchone()
    )
    assert (bill_date, due_date) == (dt.date(2024, 2, 1), dt.date(2024, 2, 21))


def assert_closed_period_events(result: dg.ExecuteInProcessResult, invoices: int) -> None:
    """A closed period's run shows it in Dagster: materialisations say `period_closed` and count the
    period's rows (`dagster/row_count` of marts.fct_invoices = the period's invoices); every check result
    names the period in its description and metadata (D116, D117)."""
    events = {
        event.asset_key.to_user_string(): event.event_specific_data.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    invoices_metadata = events["marts/fct_invoices"]
    assert invoices_metadata["period"].value == "2024-01"
    assert invoices_metadata["period_closed"].value is True
    assert invoices_metadata["dagster/row_count"].value == invoices > 0
    # fct_invoice_lines is a view (D126), counted for the period too: every invoice has a line, most several.
    assert events["marts/fct_invoice_lines"]["dagster/row_count"].value > invoices
    checks = [e for e in result.get_asset_check_evaluations() if e.asset_key.path[0] == "marts"]
    assert checks
    for check in checks:
        assert check.metadata["period"].value == "2024-01", check.check_name
        assert check.description.startswith("Period 2024-01 (closed)"), check.description


def test_closed_period_is_frozen_against_rebuilds_and_tariff_edits(billed: tuple[str, Path]) -> None:
    url, landing = billed
    with psycopg.connect(url) as conn:
        with pytest.raises(closing.CloseError, match="close earlier periods first: 2024-01 still open"):
            closing.close_period(conn, "2024-02")
        closed = closing.close_period(conn, "2024-01", closed_by="test")
    january, february = snapshot(url, "2024-01"), snapshot(url, "2024-02")
    february_total = scalar(url, "select sum(total_amount) from marts.fct_invoices where period = '2024-02'")

    # Finance edits the tariff workbook (same file name, new content): prices double.
    double_tariff_prices(landing / "tariffs" / "tariffs.xlsx")
    assert run_job("ingest_landing", url, landing=landing)
    assert run_job("build_reference_models", url)
    # Rebuild everything we can: the closed period through Dagster, and dbt's --full-refresh.
    rebuild = run_job_result("bill_period", url, partition_key="2024-01")
    assert rebuild.success
    assert_closed_period_events(rebuild, invoices=len(january[0]))
    refresh = run_dbt(
        url,
        "build",
        "--full-refresh",
        "--select",
        "tag:billing_period",
        "--exclude-resource-type",
        "unit_test",
        period="2024-01",
    )
    assert refresh.returncode == 0, refresh.stdout[-3000:]
    assert bill(url, "2024-02")

    assert snapshot(url, "2024-01") == january
    with psycopg.connect(url) as conn:
        assert closing.verify_closed_periods(conn) == {"2024-01": True}
        assert conn.execute("select billing.period_checksum('2024-01')").fetchone()[0] == closed.checksum
        # A cent more on one line of the closed period is caught (the lines are stored in int_invoice_lines;
        # fct_invoice_lines is a view over it, D126).
        with conn.transaction(force_rollback=True):
            conn.execute(
                """update intermediate.int_invoice_lines set amount = amount + 0.01
                   where (invoice_id, line_no) = (select invoice_id, min(line_no) from intermediate.int_invoice_lines
                                                  where period = '2024-01' group by invoice_id limit 1)"""
            )
            assert closing.verify_closed_periods(conn) == {"2024-01": False}
    assert snapshot(url, "2024-02") != february  # the open period follows the new prices
    assert scalar(url, "select sum(total_amount) from marts.fct_invoices where period = '2024-02'") > february_total


def test_a_failing_blocking_check_stops_billing_of_that_period(billed: tuple[str, Path]) -> None:
    url, _ = billed
    # A broken registry export: March's reads now mostly name meters the registry does not know.
    with psycopg.connect(url) as conn:
        conn.execute(
            """insert into raw.readings (meter_id, read_at, reading, read_type, source, _file_id, _row_no)
               select 'UNKNOWN-' || g, timestamp '2024-03-30 10:00' + g * interval '1 second', 100, 'actual', 'manual',
                      (select max(file_id) from raw.load_ledger), g
               from generate_series(1, 500) g"""
        )
    from dagster_project.definitions import defs

    with environment(M2C_DATABASE_URL=url), dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("bill_period").execute_in_process(
            instance=instance, partition_key="2024-03", raise_on_error=False
        )
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks["gx_readings_in_period"] is False and checks["gx_payments_in_period"] is True
    assert scalar(url, "select count(*) from marts.fct_invoices where period = '2024-03'") == 0
    assert scalar(url, "select count(*) from marts.fct_invoices where period = '2024-02'") > 0


def test_late_corrected_read_of_a_closed_period_is_rebilled_on_the_next_open_invoice(
    billed: tuple[str, Path],
) -> None:
    url, landing = billed
    with psycopg.connect(url) as conn:
        closing.close_period(conn, "2024-01", closed_by="test")
        meter_id, service_point_id, read_at, reading, multiplier = conn.execute(
            """select m.meter_id, m.service_point_id, m.billing_read_at, m.billing_reading, m.multiplier
               from intermediate.int_meter_periods m
               join marts.fct_invoice_lines l on l.service_point_id = m.service_point_id and l.period = m.period
               where m.period = '2024-01' and m.read_kind = 'actual' and m.service = 'electricity'
                 and m.multiplier = 1 and m.meter_id like 'ME%'
               order by m.meter_id limit 1"""
        ).fetchone()
    january = snapshot(url, "2024-01")
    (landing / "readings" / "corrections_2024-01.csv").write_text(
        f"meter_id,read_at,reading,read_type,source\n{meter_id},{read_at.isoformat()},{reading + 25},actual,manual\n"
    )
    assert run_job("ingest_landing", url, landing=landing)
    assert bill(url, "2024-02")

    assert snapshot(url, "2024-01") == january  # the closed period itself is untouched
    with psycopg.connect(url) as conn:
        assert closing.verify_closed_periods(conn) == {"2024-01": True}
        adjustments = conn.execute(
            """select sum(quantity), sum(amount), min(adjusts_period) from marts.fct_invoice_lines
               where period = '2024-02' and line_type = 'rebill_adjustment' and service_point_id = %s""",
            (service_point_id,),
        ).fetchone()
        february = conn.execute(
            "select baseline_reading from intermediate.int_meter_periods where period = '2024-02' and meter_id = %s",
            (meter_id,),
        ).fetchone()[0]
    assert adjustments[0] == 25 * multiplier and adjustments[1] > 0 and adjustments[2] == "2024-01"
    assert february == reading + 25  # February now starts from the corrected read
