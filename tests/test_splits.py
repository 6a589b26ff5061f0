"""A reviewer's split (apps/splits.py, D78): checked before it is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.splits import SplitError, parse_split


def test_a_split_that_adds_up_is_parsed_to_decimals() -> None:
    """100.00 + 50.00 = 150.00, the payment."""
    assert parse_split("A000101 100.00\n\nA000103; 50", Decimal("150.00")) == [
        ("A000101", Decimal("100.00")),
        ("A000103", Decimal("50")),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("A1 100.00\nA2 40.00", "add up to 140.00, not the payment's 150.00"),
        ("A1 150.00", "at least two accounts"),
        ("A1 100.00\nA1 50.00", "account A1 is named twice"),
        ("A1 100.00\nA2 fifty", "'fifty' is not an amount"),
        ("A1 150.00\nA2 0", "more than 0"),
        ("A1 149.995\nA2 0.005", "more than 2 decimals"),
        ("A1\nA2 150.00", "write an account id and an amount"),
    ],
)
def test_a_split_that_cannot_be_saved_says_why(text: str, problem: str) -> None:
    with pytest.raises(SplitError, match=problem):
        parse_split(text, Decimal("150.00"))
