"""Case 01 (tests/cases/01-camt-batch-booking/): one camt.053 credit entry of 150.00 books a batch of
two transfers (`TxDtls` of 100.00 for INV-202402-A000101 and 50.00 for INV-202402-A000102), both
under the same entry `AcctSvcrRef`. Each is its own payment (D72); both February invoices are paid.
Run once for the module (a full `m2c run` through March)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from tests.cases import CaseRun, run_case
from tests.conftest import create_database

# A full `m2c run` on a shared 2-core machine can take longer than the suite's 600 s default.
pytestmark = pytest.mark.timeout(2400)

CASE = "01-camt-batch-booking"
ENTRY = "20240307001234567891234567891234"


@pytest.fixture(scope="module")
def batch(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseRun]:
    url = create_database(server_url, "case_01_batch")
    home: Path = tmp_path_factory.mktemp("case01")
    yield run_case(CASE, "2024-03", url, home)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute('drop database if exists "case_01_batch" with (force)')


def test_each_transaction_is_a_payment_of_its_own(batch: CaseRun) -> None:
    """Entry 150.00 = 100.00 + 50.00: ids are the entry's AcctSvcrRef and the transaction's position."""
    assert batch.rows(
        "select payment_id, amount, account_id, invoice_id, match_method, status from marts.fct_payments order by 1"
    ) == [
        (f"{ENTRY}/1", Decimal("100.00"), "A000101", "INV-202402-A000101", "invoice_number", "applied"),
        (f"{ENTRY}/2", Decimal("50.00"), "A000102", "INV-202402-A000102", "invoice_number", "applied"),
    ]


def test_both_february_invoices_are_paid_and_nothing_is_unapplied(batch: CaseRun) -> None:
    """At March's end A000101 owes its March 20.00, A000102 its March 10.00, neither holds credit;
    A000103 paid nothing: February 20.00 + its late charge + March 20.00 stay open."""
    open_items = batch.rows(
        """select account_id, invoice_id, component, open_amount from marts.fct_ar_open_items
           where period = '2024-03' and account_id in ('A000101', 'A000102') order by 1, 2, 3"""
    )
    assert open_items == [
        ("A000101", "INV-202403-A000101", "charges", Decimal("20.00")),
        ("A000102", "INV-202403-A000102", "charges", Decimal("10.00")),
    ]
    assert batch.scalar("select count(*) from marts.exc_unapplied_payments") == 0
    credits = batch.scalar(
        """select count(*) from intermediate.int_receivables_allocated
           where row_type = 'credit' and period = '2024-03' and account_id in ('A000101', 'A000102')"""
    )
    assert credits == 0
    late = batch.rows("select account_id from marts.fct_invoice_lines where line_type = 'late_charge'")
    assert late == [("A000103",)]
