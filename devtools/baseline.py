"""The benchmark's side-by-side baseline: the month's charges and invoice totals as an analyst would
compute them with pandas, from the same priced inputs (usage parts, tariffs, blocks, accounts).

It covers the core of billing-rules.md section 4-5 (blocks with seasons and scaling, basic, fixed and
minimum charges, levy and VAT per service, half-up rounding, consolidated parents) and the tariff
components of section 9 the sample uses (D90-D92): `units`/`month` charges per part, VAT-exempt
charges, `percent` charges on the VAT base per invoice, service and rate, truncation (`down`) and
rounding units, and the total rounded down to the version's `total_rounding_unit`; norm-billed parts
of unmetered points come priced like any part. It is compared on invoices made only of the period's
own charge lines (no carried, true-up, common-area or rebill lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pandas as pd
import psycopg


def money(value: Decimal, decimals: int, mode: str | None = None, unit: Decimal | None = None) -> Decimal:
    """`value` rounded to `unit` (default: the minor unit of `decimals`): half away from zero, or toward
    zero when `mode` is 'down' (the `round_money` macro, D91)."""
    step = Decimal(1).scaleb(-decimals) if unit is None or pd.isna(unit) else Decimal(unit)
    rounding = ROUND_DOWN if mode == "down" else ROUND_HALF_UP
    return (value / step).quantize(Decimal(1), rounding=rounding) * step


def frame(conn: psycopg.Connection, query: str, params: tuple = ()) -> pd.DataFrame:
    cursor = conn.execute(query, params)
    return pd.DataFrame(cursor.fetchall(), columns=[c.name for c in cursor.description])


@dataclass
class BaselineResult:
    invoices_compared: int
    invoices_matching: int
    mismatches: list[tuple[str, Decimal, Decimal]]


def part_charges(part: pd.Series, blocks: list) -> Decimal:
    """Σ of a part's rounded charge lines, top-up included (`blocks`: the tariff's blocks for its season)."""
    units, scale, decimals = part.units, part.scale_factor, int(part.currency_decimals)
    mode = part.rounding_mode
    subtotal = Decimal(0)
    basic = blocks[0].basic_charge if blocks else None  # block 1 unless a higher block is reached
    for block in blocks:
        low = block.from_units * scale
        high = None if block.to_units is None or pd.isna(block.to_units) else block.to_units * scale
        in_block = min(max(units - low, Decimal(0)), (high - low) if high is not None else max(units - low, 0))
        if in_block > 0:
            subtotal += money(in_block * block.unit_price, decimals, mode)
        if low < units:
            basic = block.basic_charge
    if basic is not None and not pd.isna(basic):
        subtotal += money(basic * scale, decimals, mode)
    if part.fixed_charge and part.fixed_charge > 0:
        subtotal += money(part.fixed_charge * scale, decimals, mode)
    minimum = money((part.minimum_charge or Decimal(0)) * scale, decimals, mode)
    return max(subtotal, minimum) if part.minimum_charge else subtotal


def rider_lines(part: pd.Series, charges: list) -> tuple[Decimal, Decimal]:
    """(in the VAT base, VAT-exempt) sums of a part's `units` and `month` charge lines (D90): rate × the
    part's units × units_factor, or rate × its month factor; each rounded as its charge says."""
    taxable, exempt = Decimal(0), Decimal(0)
    for charge in charges:
        if charge.basis == "units":
            factor = Decimal(1) if charge.units_factor is None or pd.isna(charge.units_factor) else charge.units_factor
            quantity = part.units * factor
        elif charge.basis == "month":
            quantity = part.scale_factor
        else:
            continue
        amount = money(charge.rate * quantity, int(part.currency_decimals), charge.rounding_mode, charge.rounding_unit)
        if charge.is_vat_base:
            taxable += amount
        else:
            exempt += amount
    return taxable, exempt


def percent_lines(parts: pd.DataFrame, charges: dict[tuple, list]) -> pd.DataFrame:
    """One line per invoice, service, percent charge and rate: rate × the VAT base of the service's
    versions that carry it, rounded as the charge says (e.g. down to 10 won)."""
    bases: dict[tuple, Decimal] = {}
    for part in parts.itertuples():
        for charge in charges.get((part.tariff_code, part.tariff_effective_from), []):
            if charge.basis == "percent":
                key = (part.billing_account_id, part.service, charge.charge_code, charge.rate, charge.rounding_mode)
                key += (charge.rounding_unit, int(part.currency_decimals))
                bases[key] = bases.get(key, Decimal(0)) + part.subtotal
    rows = [
        (account, money(rate * base, decimals, mode, unit))
        for (account, _, _, rate, mode, unit, decimals), base in bases.items()
    ]
    return pd.DataFrame(rows, columns=["billing_account_id", "total"])


def compute(conn: psycopg.Connection, period: str) -> pd.DataFrame:
    """Invoice totals of `period` per billing account, computed in pandas."""
    parts = frame(
        conn,
        """select p.account_id, p.service, p.units, p.scale_factor, p.season, p.tariff_code,
                  p.tariff_effective_from, t.fixed_charge, t.minimum_charge, t.vat_rate, t.levy_rate,
                  t.currency_decimals, t.rounding_mode, t.total_rounding_unit
           from intermediate.int_usage_parts p
           join marts.dim_tariffs t on t.tariff_code = p.tariff_code and t.effective_from = p.tariff_effective_from
           where p.period = %s and p.contract_id is not null""",
        (period,),
    )
    blocks = frame(conn, "select * from marts.dim_tariff_blocks order by tariff_code, effective_from, block_no")
    charge_rows = frame(conn, "select * from marts.dim_tariff_charges order by tariff_code, effective_from, 3")
    accounts = frame(conn, "select account_id, billing_account_id from marts.dim_accounts")
    applicable: dict[tuple, list] = {}
    for block in blocks.itertuples():
        for season in ("summer", "winter") if block.season == "all" else (block.season,):
            applicable.setdefault((block.tariff_code, block.effective_from, season), []).append(block)
    for key in applicable:
        applicable[key].sort(key=lambda block: block.block_no)
    charges: dict[tuple, list] = {}
    for charge in charge_rows.itertuples():
        charges.setdefault((charge.tariff_code, charge.effective_from), []).append(charge)

    def priced(part: pd.Series) -> pd.Series:
        subtotal = part_charges(part, applicable.get((part.tariff_code, part.tariff_effective_from, part.season), []))
        taxable, exempt = rider_lines(part, charges.get((part.tariff_code, part.tariff_effective_from), []))
        return pd.Series({"subtotal": subtotal + taxable, "exempt": exempt})

    if parts.empty:
        return pd.DataFrame(columns=["invoice_id", "total"])
    parts[["subtotal", "exempt"]] = parts.apply(priced, axis=1)
    parts = parts.merge(accounts, on="account_id", how="left")
    parts["billing_account_id"] = parts["billing_account_id"].fillna(parts["account_id"])
    taxed = parts.groupby(
        ["billing_account_id", "service", "vat_rate", "levy_rate", "currency_decimals"], as_index=False
    )["subtotal"].sum()
    taxed["total"] = taxed.apply(
        lambda r: (
            r.subtotal
            + money(r.levy_rate * r.subtotal, int(r.currency_decimals))
            + money(r.vat_rate * r.subtotal, int(r.currency_decimals))
        ),
        axis=1,
    )
    exempt = parts[["billing_account_id", "exempt"]].rename(columns={"exempt": "total"})
    lines = pd.concat([taxed[["billing_account_id", "total"]], exempt, percent_lines(parts, charges)])
    totals = lines.groupby("billing_account_id", as_index=False)["total"].sum()
    # The total's rounding (D92): down toward zero to the largest total_rounding_unit of its versions.
    units = parts.dropna(subset=["total_rounding_unit"]).groupby("billing_account_id")["total_rounding_unit"].max()
    totals["total"] = [
        money(total, 0, "down", units[account]) if account in units.index else total
        for account, total in zip(totals["billing_account_id"], totals["total"], strict=True)
    ]
    totals["invoice_id"] = "INV-" + period.replace("-", "") + "-" + totals["billing_account_id"]
    return totals[["invoice_id", "total"]]


def compare(conn: psycopg.Connection, period: str, totals: pd.DataFrame) -> BaselineResult:
    """Compare with fct_invoices on invoices made only of the period's own charge, levy and VAT lines (their
    late charge lines, which depend on payments the baseline does not model, are left out of the total)."""
    engine = frame(
        conn,
        """select i.invoice_id, i.total_amount - i.late_charge_amount as total_amount from marts.fct_invoices i
           where i.period = %s and not exists (
               select 1 from marts.fct_invoice_lines l where l.invoice_id = i.invoice_id
                 and (l.line_type in ('common_area', 'trueup_credit', 'rebill_adjustment')
                      or l.carried_from_period is not null))""",
        (period,),
    )
    joined = engine.merge(totals, on="invoice_id", how="left")
    joined["total"] = joined["total"].apply(
        lambda v: Decimal(0) if v is None or (isinstance(v, float) and pd.isna(v)) else v
    )
    mismatches = [(r.invoice_id, r.total_amount, r.total) for r in joined.itertuples() if r.total_amount != r.total]
    return BaselineResult(len(joined), len(joined) - len(mismatches), mismatches[:20])
