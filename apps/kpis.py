"""The Overview's key figures: read from the marts the ledger workbook's cover reads, exact (Decimal).

Every figure is the whole utility's for one period (`agg_collections_monthly`, `agg_sales_monthly`), so each
equals the figure of the same name on that period's workbook cover (exports/period.py `key_figures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from apps import data
from apps.components import money

# (label, kind): kind says how the figure is shown and how its change is worded.
FIGURES = (
    ("Invoices issued", "money"),
    ("Held for review (not issued)", "money"),
    ("Billed revenue (excl. taxes)", "money"),
    ("Cash received (net of reversals)", "money"),
    ("Collection rate", "rate"),
    ("Days sales outstanding", "days"),
    ("AR subledger closing", "money"),
    ("AR over 90 days", "money"),
    ("Unapplied cash", "money"),
    ("Active accounts", "count"),
)
LOWER_IS_BETTER = {
    "Days sales outstanding",
    "AR subledger closing",
    "AR over 90 days",
    "Unapplied cash",
    "Held for review (not issued)",
}

KEY_FIGURES_SQL = """
select c.period, c.currency,
       c.billed_amount + c.late_charge_amount as invoices_issued,
       c.held_amount, c.held_invoices,
       (select coalesce(sum(s.revenue_amount), 0) from marts.agg_sales_monthly as s
        where s.period = c.period and s.currency = c.currency) as revenue,
       c.collected_amount - c.reversed_amount as cash_received,
       c.collection_rate, c.days_sales_outstanding, c.closing_ar_amount, c.over_90_days_amount,
       c.unapplied_cash_amount, c.active_accounts
from marts.agg_collections_monthly as c
where c.period = any(:periods)
"""


@dataclass(frozen=True)
class Figures:
    """One period's key figures (None when the period has none), in the currency of its invoices."""

    period: str
    currency: str
    values: dict[str, Decimal | int | None]
    held_invoices: int = 0

    def shown(self, label: str) -> str:
        return shown(label, self.values.get(label), self.currency)


def key_figures(periods: list[str]) -> dict[str, Figures]:
    """Each period's figures from the marts; a period without a row is absent."""
    frame = data.query(KEY_FIGURES_SQL, {"periods": periods})
    out: dict[str, Figures] = {}
    for row in frame.to_dict("records"):
        values = dict(
            zip(
                [label for label, _ in FIGURES],
                [
                    row["invoices_issued"],
                    row["held_amount"],
                    row["revenue"],
                    row["cash_received"],
                    row["collection_rate"],
                    row["days_sales_outstanding"],
                    row["closing_ar_amount"],
                    row["over_90_days_amount"],
                    row["unapplied_cash_amount"],
                    int(row["active_accounts"]),
                ],
                strict=True,
            )
        )
        values = {k: None if v is None or v != v else v for k, v in values.items()}  # NaN (no row) -> None
        out[row["period"]] = Figures(row["period"], row["currency"], values, int(row["held_invoices"]))
    return out


def kind(label: str) -> str:
    return dict(FIGURES)[label]


def shown(label: str, value: Decimal | int | None, currency: str) -> str:
    """A figure as people read it: `1,234.50 EUR`, `87.5%`, `41.2 days`, `1,234`; "–" when there is none."""
    if value is None:
        return "–"
    match kind(label):
        case "rate":
            return f"{Decimal(value) * 100:.1f}%"
        case "days":
            return f"{Decimal(value):.1f} days"
        case "count":
            return f"{int(value):,}"
    return money(value, currency)


def change(label: str, value: Decimal | int | None, base: Decimal | int | None) -> str | None:
    """The change from `base`: a rate in percentage points (+1.2 pp), anything else in percent."""
    if value is None or base is None:
        return None
    if kind(label) == "rate":
        return f"{(Decimal(value) - Decimal(base)) * 100:+.1f} pp"
    if not base:
        return None
    return f"{(Decimal(value) - Decimal(base)) / abs(Decimal(base)) * 100:+.1f}%"
