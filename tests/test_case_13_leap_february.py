"""Case 13 (tests/cases/13-leap-february-proration): leap-year February, a tariff change on 1 March, and
two days of February carried into March's interval. Each part is prorated by its own month
(billing-rules.md section 4, D70)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.cases import CaseRun, run_case


@pytest.fixture(scope="module")
def case(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> CaseRun:
    from tests.conftest import create_database

    url = create_database(server_url, "case_13")
    return run_case("13-leap-february-proration", "2024-03", url, tmp_path_factory.mktemp("case13"))


def charges(case: CaseRun, period: str, account: str) -> dict[tuple[str, str], Decimal]:
    return {
        (str(part_from), line_type): amount
        for part_from, line_type, amount in case.rows(
            """select part_from, line_type, sum(amount) from marts.fct_invoice_lines
               where period = %s and account_id = %s and line_type in ('energy', 'fixed')
               group by 1, 2""",
            (period, account),
        )
    }


def test_february_tail_is_prorated_by_february(case: CaseRun) -> None:
    """A000102, read 27 Feb (2250) and 31 Mar (2300): 50 kWh over 28 Feb-31 Mar (33 days).
    28-29 Feb: 50 x 2/33 = 3.030303 kWh x 0.20 = 0.61, fixed 9.00 x 2/29 = 0.62;
    March: 50 x 31/33 = 46.969697 kWh x 0.25 = 11.74, fixed 10.00. Total 0.61 + 0.62 + 11.74 + 10.00 = 22.97."""
    lines = charges(case, "2024-03", "A000102")
    assert lines == {
        ("2024-02-28", "energy"): Decimal("0.61"),
        ("2024-02-28", "fixed"): Decimal("0.62"),
        ("2024-03-01", "energy"): Decimal("11.74"),
        ("2024-03-01", "fixed"): Decimal("10.00"),
    }
    assert sum(lines.values()) == Decimal("22.97")


def test_february_fixed_charge_adds_up_to_one_month(case: CaseRun) -> None:
    """February invoice of A000102: 1-27 Feb, fixed 9.00 x 27/29 = 8.379 -> 8.38; with March's 0.62 = 9.00."""
    february = case.scalar(
        """select sum(amount) from marts.fct_invoice_lines
           where account_id = 'A000102' and line_type = 'fixed' and part_from < '2024-03-01'"""
    )
    assert february == Decimal("9.00")
    assert charges(case, "2024-02", "A000102")[("2024-02-01", "fixed")] == Decimal("8.38")


def test_account_read_on_the_last_day_has_one_march_part(case: CaseRun) -> None:
    """A000101, read 29 Feb (1500) and 31 Mar (1600): one March part, 100 kWh x 0.25 + 10.00 = 35.00."""
    assert charges(case, "2024-03", "A000101") == {
        ("2024-03-01", "energy"): Decimal("25.00"),
        ("2024-03-01", "fixed"): Decimal("10.00"),
    }
