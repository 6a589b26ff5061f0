"""The benchmark's side-by-side baseline: the month's charges and invoice totals as an analyst would
compute them with pandas, from the same priced inputs (usage parts, tariffs, blocks, accounts).

It covers the core of billing-rules.md section 4-5 (blocks with seasons and scaling, basic, fixed and
minimum charges, levy and VAT per service, half-up rounding, consolidated parents), and is compared on
invoices made only of the period's own charge lines (no carried, true-up, common-area or rebill lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import psycopg


def money(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


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
    subtotal = Decimal(0)
    basic = blocks[0].basic_charge if blocks else None  # block 1 unless a higher block is reached
    for block in blocks:
        low = block.from_units * scale
        high = None if block.to_units is None or pd.isna(block.to_units) else block.to_units * scale
        in_block = min(max(units - low, Decimal(0)), (high - low) if high is not None else max(units - low, 0))
        if in_block > 0:
            subtotal += money(in_block * block.unit_price, decimals)
        if low < units:
            basic = block.basic_charge
    if basic is not None and not pd.isna(basic):
        subtotal += money(basic * scale, decimals)
    if part.fixed_charge and part.fixed_charge > 0:
        subtotal += money(part.fixed_charge * scale, decimals)
    minimum = money((part.minimum_charge or Decimal(0)) * scale, decimals)
    return max(subtotal, minimum) if part.minimum_charge else subtotal


def compute(conn: psycopg.Connection, period: str) -> pd.DataFrame:
    """Invoice totals of `period` per billing account, computed in pandas."""
    parts = frame(
        conn,
        """select p.account_id, p.service, p.units, p.scale_factor, p.season, p.tariff_code,
                  p.tariff_effective_from, t.fixed_charge, t.minimum_charge, t.vat_rate, t.levy_rate,
                  t.currency_decimals
           from intermediate.int_usage_parts p
           join marts.dim_tariffs t on t.tariff_code = p.tariff_code and t.effective_from = p.tariff_effective_from
           where p.period = %s and p.contract_id is not null""",
        (period,),
    )
    blocks = frame(conn, "select * from marts.dim_tariff_blocks order by tariff_code, effective_from, block_no")
    accounts = frame(conn, "select account_id, billing_account_id from marts.dim_accounts")
    applicable: dict[tuple, list] = {}
    for block in blocks.itertuples():
        for season in ("summer", "winter") if block.season == "all" else (block.season,):
            applicable.setdefault((block.tariff_code, block.effective_from, season), []).append(block)
    for key in applicable:
        applicable[key].sort(key=lambda block: block.block_no)

    def charges(part: pd.Series) -> Decimal:
        return part_charges(part, applicable.get((part.tariff_code, part.tariff_effective_from, part.season), []))

    parts["subtotal"] = parts.apply(charges, axis=1)
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
    totals = taxed.groupby("billing_account_id", as_index=False)["total"].sum()
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
