"""Case 14 (tests/cases/14-one-payment-two-accounts/): one 150.00 transfer with the reference
"INV-202402-A000101, INV-202402-A000102". Both invoice numbers are read and the money pays each
invoice up to its open amount, oldest (then first written) first (D77): 100.00 to A000101, 50.00 to
A000102. Then a reviewer splits the same payment differently (D78) and the next run applies it.
Run once for the module (a full `m2c run` through March, then March again)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from tests.cases import CaseRun, run_case
from tests.conftest import create_database
from tests.test_case_15_amr_glitch import m2c

# A full `m2c run` on a shared 2-core machine can take longer than the suite's 600 s default.
pytestmark = pytest.mark.timeout(2400)

CASE = "14-one-payment-two-accounts"
PAYMENT = "BT-20240308-0001"


@pytest.fixture(scope="module")
def two_accounts(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CaseRun, dict]]:
    url = create_database(server_url, "case_14_two_accounts")
    home: Path = tmp_path_factory.mktemp("case14")
    run = run_case(CASE, "2024-03", url, home)
    before = {
        "allocations": run.rows(
            """select account_id, invoice_id, amount from marts.fct_payment_allocations
               where payment_id = %s order by 1""",
            (PAYMENT,),
        ),
        "payment": run.rows(
            "select account_id, match_method, invoice_count, status, allocated_amount, credit_amount "
            "from marts.fct_payments where payment_id = %s",
            (PAYMENT,),
        ),
        "credits": run.scalar(
            """select count(*) from intermediate.int_receivables_allocated
               where period = '2024-03' and row_type = 'credit'"""
        ),
        "late": run.rows("select account_id from marts.fct_invoice_lines where line_type = 'late_charge' order by 1"),
        "unapplied": run.scalar("select count(*) from marts.exc_unapplied_payments"),
    }
    with psycopg.connect(url) as conn:  # one decision: one transaction, one decided_at
        for account, amount in (("A000101", "100.00"), ("A000103", "50.00")):
            conn.execute(
                """insert into review.payment_assignments (payment_id, account_id, amount, reviewer, reason)
                   values (%s, %s, %s, 'tester', 'the landlord paid A000103, not A000102')""",
                (PAYMENT, account, amount),
            )
    m2c(home, url, "run", "--through", "2024-03", "--skip-ingest")
    yield run, before
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute('drop database if exists "case_14_two_accounts" with (force)')


def test_the_named_invoices_are_paid_in_order(two_accounts: tuple[CaseRun, dict]) -> None:
    """150.00 = 100.00 (INV-202402-A000101, open 100.00) + 50.00 (INV-202402-A000102, open 50.00), rest 0."""
    _, before = two_accounts
    assert before["allocations"] == [
        ("A000101", "INV-202402-A000101", Decimal("100.00")),
        ("A000102", "INV-202402-A000102", Decimal("50.00")),
    ]
    assert before["payment"] == [("A000101", "invoice_number", 2, "applied", Decimal("150.00"), Decimal("0"))]
    assert before["credits"] == 0
    assert before["late"] == [("A000103",)]  # only A000103's February 20.00 was unpaid
    assert before["unapplied"] == 0


def test_a_reviewer_split_applies_on_the_next_run(two_accounts: tuple[CaseRun, dict]) -> None:
    """Split 100.00 to A000101 + 50.00 to A000103 = 150.00: A000101's February 100.00 is paid; A000103's
    February 20.00 is paid in pass 1 and its March 20.00 in pass 2, leaving 50.00 - 20.00 - 20.00 = 10.00
    credit; A000102's February 50.00 is now unpaid and late. The payment's status follows its rows."""
    run, _ = two_accounts
    assert run.rows(
        """select account_id, invoice_id, sum(amount) from marts.fct_payment_allocations
           where payment_id = %s group by 1, 2 order by 1, 2""",
        (PAYMENT,),
    ) == [
        ("A000101", "INV-202402-A000101", Decimal("100.00")),
        ("A000103", "INV-202402-A000103", Decimal("20.00")),
        ("A000103", "INV-202403-A000103", Decimal("20.00")),
    ]
    assert run.rows(
        "select match_method, status, allocated_amount, credit_amount from marts.fct_payments where payment_id = %s",
        (PAYMENT,),
    ) == [("reviewer", "partly_credit", Decimal("140.00"), Decimal("10.00"))]
    late = run.rows("select account_id from marts.fct_invoice_lines where line_type = 'late_charge' order by 1")
    assert late == [("A000102",)]
