"""Case 02 (tests/cases/02-camt-no-entry-reference/): a camt.053.001.02 whose two credits carry
neither NtryRef nor AcctSvcrRef. Each gets a stable content id (D73) and both apply: 50.00 to
INV-202402-A000102, 20.00 to A000103 (its February invoice of 20.00). No late charge.
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

CASE = "02-camt-no-entry-reference"


@pytest.fixture(scope="module")
def statement(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseRun]:
    url = create_database(server_url, "case_02_noref")
    home: Path = tmp_path_factory.mktemp("case02")
    yield run_case(CASE, "2024-03", url, home)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute('drop database if exists "case_02_noref" with (force)')


def test_both_credits_load_with_content_ids(statement: CaseRun) -> None:
    """No rejects; ids 'CAMT-' + 20 hex digits (an 80-bit hash of what the transaction says)."""
    assert statement.scalar("select count(*) from raw.rejects") == 0
    rows = statement.rows("select payment_id, amount, end_to_end_id from raw.payments order by amount")
    assert [(amount, e2e) for _, amount, e2e in rows] == [(Decimal("20.00"), "116"), (Decimal("50.00"), "115")]
    assert all(pid.startswith("CAMT-") and len(pid) == 25 for pid, _, _ in rows)


def test_both_february_invoices_are_paid_without_late_charges(statement: CaseRun) -> None:
    """50.00 pays A000102's February 50.00, 20.00 A000103's February 20.00: only A000101's 100.00 is
    late (its late charge is the only one)."""
    assert statement.rows("select account_id, match_method, status from marts.fct_payments order by account_id") == [
        ("A000102", "invoice_number", "applied"),
        ("A000103", "account_id", "applied"),
    ]
    late = statement.rows("select account_id from marts.fct_invoice_lines where line_type = 'late_charge'")
    assert late == [("A000101",)]
    assert statement.scalar("select count(*) from marts.exc_unapplied_payments") == 0
