"""A reviewer's split of one payment across accounts (D78): parsed and checked before it is saved."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


class SplitError(ValueError):
    """The split cannot be saved; the message says what is wrong with which line."""


def parse_split(text: str, payment_amount: Decimal, decimals: int = 2) -> list[tuple[str, Decimal]]:
    """Lines 'ACCOUNT AMOUNT' (e.g. 'A000101 100.00') as (account_id, amount) pairs.

    Amounts use '.' for decimals, are > 0 with at most `decimals` places, each account appears
    once, there are at least two lines, and the amounts add up to `payment_amount` exactly (all
    Decimal, never float). Raises SplitError naming the line and the problem.
    """
    pairs: list[tuple[str, Decimal]] = []
    for number, line in enumerate((raw.strip() for raw in text.splitlines()), start=1):
        if not line:
            continue
        parts = line.replace(";", " ").replace(",", " ").split()
        if len(parts) != 2:
            raise SplitError(f"line {number} '{line}': write an account id and an amount, e.g. 'A000101 100.00'")
        account, written = parts
        try:
            amount = Decimal(written)
        except InvalidOperation as exc:
            raise SplitError(f"line {number}: '{written}' is not an amount (use . for decimals)") from exc
        if not amount.is_finite() or amount <= 0:
            raise SplitError(f"line {number}: the amount must be more than 0")
        if -amount.as_tuple().exponent > decimals:
            raise SplitError(f"line {number}: {written} has more than {decimals} decimals")
        if account in (a for a, _ in pairs):
            raise SplitError(f"line {number}: account {account} is named twice")
        pairs.append((account, amount))
    if len(pairs) < 2:
        raise SplitError("a split names at least two accounts (to give the whole payment to one, assign it)")
    total = sum((amount for _, amount in pairs), Decimal(0))
    if total != payment_amount:
        raise SplitError(f"the amounts add up to {total}, not the payment's {payment_amount}")
    return pairs
