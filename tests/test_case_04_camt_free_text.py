"""Case 04 (tests/cases/04-camt-free-text-remittance/): references inside free text, or only in
AddtlTxInf/AddtlNtryInf (D74, D75). All four credits apply: 100.00 to INV-202402-A000101, 50.00 to
INV-202402-A000102, 20.00 to A000103 and 10.00 to A000102 (from AddtlTxInf), which pays its March
10.00 invoice. No late charges, nothing unapplied.
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

CASE = "04-camt-free-text-remittance"


@pytest.fixture(scope="module")
def free_text(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseRun]:
    url = create_database(server_url, "case_04_free_text")
    home: Path = tmp_path_factory.mktemp("case04")
    yield run_case(CASE, "2024-03", url, home)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute('drop database if exists "case_04_free_text" with (force)')


def test_every_credit_is_matched_and_says_how(free_text: CaseRun) -> None:
    assert free_text.rows(
        """select amount, account_id, invoice_id, match_method, match_source from marts.fct_payments
           order by amount desc"""
    ) == [
        (Decimal("100.00"), "A000101", "INV-202402-A000101", "invoice_number", "reference"),
        (Decimal("50.00"), "A000102", "INV-202402-A000102", "invoice_number", "reference"),
        (Decimal("20.00"), "A000103", None, "account_id", "reference"),
        (Decimal("10.00"), "A000102", None, "account_id", "additional_info"),
    ]


def test_all_paid_no_late_charges_nothing_unapplied(free_text: CaseRun) -> None:
    """A000102: 50.00 + 10.00 = February 50.00 + March 10.00, nothing open; A000101 owes March 20.00,
    A000103 March 20.00; no late charge anywhere."""
    assert free_text.rows(
        """select account_id, invoice_id, open_amount from marts.fct_ar_open_items
           where period = '2024-03' order by 1, 2"""
    ) == [
        ("A000101", "INV-202403-A000101", Decimal("20.00")),
        ("A000103", "INV-202403-A000103", Decimal("20.00")),
    ]
    assert free_text.scalar("select count(*) from marts.fct_invoice_lines where line_type = 'late_charge'") == 0
    assert free_text.scalar("select count(*) from marts.exc_unapplied_payments") == 0
