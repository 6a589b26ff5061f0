"""What each sheet of the ledger workbook holds: its columns and the marts query behind it."""

from __future__ import annotations

from dataclasses import dataclass

from core import vocabularies


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, date, datetime, money, int
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    name: str
    query: str  # takes %(period)s; its output columns are the sheet's columns, in order
    order_by: str
    columns: tuple[Column, ...]
    totals: bool = False  # append a totals row summing the money columns
    subtotals: bool = False  # the query's own rows labelled "Subtotal ..." / "Total ..." are set in bold
    total_label: str = "Total"  # the first cell of the totals row (which sums the query's "Total" rows)

    @property
    def currency_index(self) -> int | None:
        headers = [c.header for c in self.columns]
        return headers.index("Currency") if "Currency" in headers else None


def money(header: str, width: int = 15) -> Column:
    return Column(header, "money", width)


BUCKETS = tuple(bucket.name for bucket in vocabularies.aging_buckets())

JOURNAL = Sheet(
    "Journal",
    """select entry_id, line_no, entry_date, account_code, account_name, description, debit, credit, currency,
              source_type, source_id, account_id
       from marts.fct_gl_journal where period = %(period)s""",
    "entry_date, entry_id, line_no",
    (
        Column("Entry", width=34),
        Column("Line", "int", 6),
        Column("Date", "date", 11),
        Column("Account", width=9),
        Column("Account name", width=22),
        Column("Description", width=40),
        money("Debit"),
        money("Credit"),
        Column("Currency", width=9),
        Column("Source", width=12),
        Column("Source id", width=24),
        Column("Customer account", width=16),
    ),
    totals=True,
)

TRIAL_BALANCE = Sheet(
    "Trial Balance",
    """select account_code, account_name, currency, opening_balance, debit, credit, closing_balance
       from marts.rpt_trial_balance where period = %(period)s""",
    "currency, account_code",
    (
        Column("Account", width=9),
        Column("Account name", width=24),
        Column("Currency", width=9),
        money("Opening (Dr+)", 16),
        money("Debit", 16),
        money("Credit", 16),
        money("Closing (Dr+)", 16),
    ),
    totals=True,
)

AR_SUBLEDGER = Sheet(
    "AR Subledger",
    """select s.account_id, a.customer_name, a.customer_class, s.currency, s.opening_amount, s.billed_amount,
              s.late_charge_amount, s.paid_amount, s.reopened_amount, s.written_off_amount, s.closing_amount,
              s.recovered_amount, s.credit_balance_amount
       from marts.rpt_ar_subledger as s
       left join marts.dim_accounts as a on s.account_id = a.account_id
       where s.period = %(period)s""",
    "s.currency, s.account_id",
    (
        Column("Account", width=12),
        Column("Customer", width=26),
        Column("Class", width=12),
        Column("Currency", width=9),
        money("Opening"),
        money("Billed"),
        money("Late charges"),
        money("Paid"),
        money("Adjustments (reversals)", 18),
        money("Written off"),
        money("Closing"),
        money("Recovered"),
        money("Credit held"),
    ),
    totals=True,
)

# Subtotals per customer class and a total per currency; days past due at the period end.
AGING = Sheet(
    "Aging",
    """with per_account as (
           select account_id, currency,
                  {buckets},
                  sum(open_amount) as total_amount
           from marts.rpt_ar_aging where period = %(period)s
           group by account_id, currency
       )
       select case
                  when grouping(a.customer_class) = 1 then 'Total'
                  when grouping(p.account_id) = 1 then 'Subtotal ' || coalesce(a.customer_class, 'unknown')
                  else p.account_id
              end,
              case when grouping(p.account_id) = 0 then min(a.customer_name) end,
              a.customer_class, p.currency,
              {bucket_sums},
              sum(p.total_amount)
       from per_account as p
       left join marts.dim_accounts as a on p.account_id = a.account_id
       group by grouping sets ((p.currency, a.customer_class, p.account_id), (p.currency, a.customer_class),
                               (p.currency))""".format(
        buckets=",\n                  ".join(
            f"coalesce(sum(open_amount) filter (where aging_bucket = '{b}'), 0) as b{i}" for i, b in enumerate(BUCKETS)
        ),
        bucket_sums=", ".join(f"sum(p.b{i})" for i in range(len(BUCKETS))),
    ),
    "p.currency, grouping(a.customer_class), a.customer_class, grouping(p.account_id), p.account_id",
    (
        Column("Account", width=22),
        Column("Customer", width=26),
        Column("Class", width=12),
        Column("Currency", width=9),
        *(money("Current" if b == "current" else f"{b} days", 13) for b in BUCKETS),
        money("Total"),
    ),
    subtotals=True,
)

# Issued invoices first, closed by a "Total" row (status issued): the figure the cover's "Invoices issued"
# is, and the sheet's totals row. Held and carried-forward invoices follow, each group with a
# "Subtotal … (not issued)": listed, but not receivables until issued. The total is what the customer is
# asked to pay: subtotal + levy + VAT + percent charges (funds outside the VAT base) + the total's rounding
# line (D92, D113) + the late charge lines the bill run added (D66).
INVOICE_REGISTER_AMOUNTS = (
    "subtotal_amount",
    "levy_amount",
    "vat_amount",
    "percent_charge_amount",
    "rounding_amount",
    "late_charge_amount",
    "total_amount",
    "carried_forward_amount",
)
INVOICE_REGISTER = Sheet(
    "Invoice Register",
    """with invoices as (
           select i.invoice_id, i.account_id, a.customer_name, i.bill_date, i.due_date, i.status, i.currency,
                  {amounts}, i.line_count, i.review_reason,
                  case i.status when 'issued' then 1 when 'held' then 2 else 3 end as status_order
           from marts.fct_invoices as i
           left join marts.dim_accounts as a on i.account_id = a.account_id
           where i.period = %(period)s
       ),
       register_rows as (
           select invoice_id, account_id, customer_name, bill_date, due_date, status, currency, {plain},
                  line_count, review_reason, status_order, 1 as row_kind
           from invoices
           union all
           select case when status = 'issued' then 'Total'
                       else 'Subtotal ' || replace(status, '_', ' ') || ' (not issued)' end,
                  null, null, null, null, status, currency, {sums}, sum(line_count)::integer, null,
                  status_order, 2
           from invoices
           group by currency, status, status_order
       )
       select u.invoice_id, u.account_id, u.customer_name, u.bill_date, u.due_date, u.status, u.currency,
              {plain_u}, u.line_count, u.review_reason
       from register_rows as u""".format(
        amounts=", ".join(f"i.{a}" for a in INVOICE_REGISTER_AMOUNTS),
        plain=", ".join(INVOICE_REGISTER_AMOUNTS),
        sums=", ".join(f"sum({a})" for a in INVOICE_REGISTER_AMOUNTS),
        plain_u=", ".join(f"u.{a}" for a in INVOICE_REGISTER_AMOUNTS),
    ),
    "u.currency, u.status_order, u.row_kind, u.invoice_id",
    (
        Column("Invoice", width=30),
        Column("Account", width=12),
        Column("Customer", width=26),
        Column("Bill date", "date", 11),
        Column("Due date", "date", 11),
        Column("Status", width=15),
        Column("Currency", width=9),
        money("Subtotal"),
        money("Levy"),
        money("VAT"),
        money("Percent charges", 12),
        money("Rounding", 10),
        money("Late charges"),
        money("Total"),
        money("Carried in"),
        Column("Lines", "int", 7),
        Column("Review reason", width=40),
    ),
    totals=True,
    subtotals=True,
    total_label="Total issued",
)

CASH_RECEIPTS = Sheet(
    "Cash Receipts",
    """select payment_id, paid_on, entry_kind, channel, account_id, reference, payer_name, match_method, currency,
              case when entry_kind = 'reversal' then -amount else amount end, allocated_amount, credit_amount,
              status, reversed_payment_id
       from marts.fct_payments where period = %(period)s""",
    "paid_on, payment_id",
    (
        Column("Payment", width=26),
        Column("Value date", "date", 11),
        Column("Kind", width=9),
        Column("Channel", width=14),
        Column("Account", width=12),
        Column("Reference", width=26),
        Column("Payer", width=22),
        Column("Matched by", width=15),
        Column("Currency", width=9),
        money("Amount"),
        money("Applied"),
        money("Left as credit"),
        Column("Status", width=13),
        Column("Reverses", width=26),
    ),
    totals=True,
)

UNAPPLIED_CASH = Sheet(
    "Unapplied Cash",
    """select payment_id, paid_on, currency, unapplied_amount, payment_amount, channel, reference, payer_name,
              remittance_text, review_reason
       from marts.exc_unapplied_payments where period = %(period)s""",
    "paid_on, payment_id",
    (
        Column("Payment", width=26),
        Column("Value date", "date", 11),
        Column("Currency", width=9),
        money("Unapplied"),
        money("Payment amount"),
        Column("Channel", width=14),
        Column("Reference", width=26),
        Column("Payer", width=22),
        Column("Remittance text", width=34),
        Column("Why it is here", width=40),
    ),
    totals=True,
)

SHEETS = (JOURNAL, TRIAL_BALANCE, AR_SUBLEDGER, AGING, INVOICE_REGISTER, CASH_RECEIPTS, UNAPPLIED_CASH)
