"""Payments, arrears and the ledger through Dagster on a generated sample (billing-rules.md 6-8).

One database for the module; the last test writes review decisions."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest

from core import closing
from devtools.generator import generate
from tests.conftest import create_database
from tests.helpers import run_job, scalar

PERIODS = ("2024-01", "2024-02", "2024-03")


def bill(url: str, period: str) -> bool:
    return run_job("bill_period", url, partition_key=period)


def rows(url: str, query: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


@pytest.fixture(scope="module")
def ledger(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = create_database(server_url, "payments")
    landing = tmp_path_factory.mktemp("payments") / "landing"
    generate(landing, accounts=120, months=4, seed=5, interval_meters=0)
    # A payment nobody can match: unapplied cash until a reviewer assigns it.
    (landing / "payments" / "desk_2024-03.csv").write_text(
        "payment_id,paid_at,amount,currency,channel,reference,reversal_of\n"
        "DESK1,2024-03-10,55.55,EUR,counter,rent march,\n"
    )
    assert run_job("ingest_landing", url, landing=landing)
    assert run_job("build_reference_models", url)
    for period in PERIODS:
        assert bill(url, period)
    return url


def test_collections_arrears_and_ledger_reconcile(ledger: str) -> None:
    url = ledger
    collections = rows(
        url,
        """select period, opening_ar_amount, billed_amount, late_charge_amount, applied_amount,
                  reopened_amount, written_off_amount, closing_ar_amount
           from marts.agg_collections_monthly order by period""",
    )
    assert [row[0] for row in collections] == list(PERIODS)
    previous_closing = Decimal(0)
    for period, opening, billed, late, applied, reopened, written_off, closing_ar in collections:
        assert opening == previous_closing, period
        assert opening + billed + late - applied + reopened - written_off == closing_ar, period
        control = scalar(
            url,
            "select closing_balance from marts.rpt_trial_balance where period = %s and account_code = '1100'",
            (period,),
        )
        open_items = scalar(
            url, "select coalesce(sum(open_amount), 0) from marts.fct_ar_open_items where period = %s", (period,)
        )
        assert control == open_items == closing_ar, period
        debit, credit = rows(
            url, "select sum(debit), sum(credit) from marts.fct_gl_journal where period = %s", (period,)
        )[0]
        assert debit == credit, period
        previous_closing = closing_ar
    assert collections[-1][3] > 0, "some invoices were late and charged"
    assert collections[-1][4] > 0, "payments were applied"
    # Billed AR in the ledger = the issued invoices' totals: their charges by the invoice entry, their
    # late charge lines by a late_charge entry of the same invoice (Dr 1100, Cr 4900; D69).
    assert scalar(
        url, "select sum(debit) from marts.fct_gl_journal where source_type = 'invoice' and account_code = '1100'"
    ) == scalar(
        url,
        """select sum(total_amount - late_charge_amount) from marts.fct_invoices
           where status = 'issued' and total_amount - late_charge_amount > 0""",
    )
    late_charges = scalar(url, "select sum(late_charge_amount) from marts.fct_invoices where status = 'issued'")
    assert late_charges > 0
    assert (
        scalar(
            url,
            """select sum(debit) from marts.fct_gl_journal
               where source_type = 'late_charge' and account_code = '1100'
                 and source_id in (select invoice_id from marts.fct_invoices where status = 'issued')""",
        )
        == scalar(
            url,
            """select sum(credit) from marts.fct_gl_journal
               where source_type = 'late_charge' and account_code = '4900'""",
        )
        == late_charges
        == scalar(url, "select sum(amount) from marts.fct_invoice_lines where line_type = 'late_charge'")
    )


def test_aging_as_of_any_date_matches_the_period_end_report(ledger: str) -> None:
    url = ledger
    for period, as_of in (("2024-02", "2024-02-29"), ("2024-03", "2024-03-31")):
        report = rows(
            url,
            """select aging_bucket, sum(open_amount) from marts.rpt_ar_aging where period = %s
               group by 1 order by 1""",
            (period,),
        )
        from_function = rows(
            url, "select aging_bucket, sum(open_amount) from marts.ar_aging_as_of(%s) group by 1 order by 1", (as_of,)
        )
        assert report == from_function and report, period
    # Mid-period: February's invoices (due 2024-03-21) are current on the 21st and 1-30 days late after.
    on_due = dict(rows(url, "select aging_bucket, sum(open_amount) from marts.ar_aging_as_of('2024-03-21') group by 1"))
    after = dict(rows(url, "select aging_bucket, sum(open_amount) from marts.ar_aging_as_of('2024-03-22') group by 1"))
    assert on_due.get("current", 0) > after.get("current", 0)
    assert after.get("1-30", 0) > on_due.get("1-30", 0)


def test_review_assignment_and_write_off_apply_on_the_next_run(ledger: str) -> None:
    url = ledger
    queue = rows(url, "select payment_id, unapplied_amount from marts.exc_unapplied_payments where period = '2024-03'")
    assert ("DESK1", Decimal("55.55")) in queue
    candidate = rows(
        url,
        """select account_id, overdue_amount from marts.fct_dunning_stages
           where period = '2024-03' and overdue_amount > 0 order by overdue_amount desc, account_id limit 1""",
    )[0][0]
    with psycopg.connect(url) as conn:
        closing.close_period(conn, "2024-01")
    frozen = scalar(url, "select billing.period_checksum('2024-01')")
    with psycopg.connect(url) as conn:
        conn.execute(
            """insert into review.payment_assignments (payment_id, account_id, reviewer, reason)
               values ('DESK1', 'A0000002', 'ana', 'phoned: rent is the electricity bill')"""
        )
        conn.execute(
            """insert into review.write_off_decisions (account_id, action, reviewer, reason)
               values (%s, 'approve', 'cfo', 'insolvent')""",
            (candidate,),
        )
    for _ in range(2):  # re-running the open period applies each decision once
        assert bill(url, "2024-03")

    assert not rows(url, "select 1 from marts.exc_unapplied_payments where payment_id = 'DESK1' and period = '2024-03'")
    placed = scalar(
        url,
        """select sum(amount) from intermediate.int_receivables_allocated
           where period = '2024-03' and payment_id = 'DESK1' and row_type in ('allocation', 'credit')
             and account_id = 'A0000002'""",
    )
    assert placed == Decimal("55.55")

    written_off = scalar(
        url,
        "select written_off_amount from marts.rpt_ar_subledger where period = '2024-03' and account_id = %s",
        (candidate,),
    )
    assert written_off > 0
    journal = rows(
        url,
        """select account_code, sum(debit), sum(credit) from marts.fct_gl_journal
           where period = '2024-03' and source_type = 'write_off' group by 1 order by 1""",
    )
    assert journal == [("1100", 0, written_off), ("6900", written_off, 0)]
    assert not rows(
        url,
        "select 1 from marts.fct_ar_open_items where period = '2024-03' and account_id = %s and days_past_due > 0",
        (candidate,),
    )
    assert scalar(url, "select billing.period_checksum('2024-01')") == frozen
