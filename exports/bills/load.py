"""Read a period's bills from the marts (fct_invoices, fct_invoice_lines, fct_bill_meter_reads,
dim_accounts, fct_ar_movements, fct_dunning_stages) into exports.bills.model objects.

Only issued invoices become bills. A closed period's rows are its frozen ones, so a reissue prints what
was sent. `fct_invoices.payment_reference` (an ISO 11649 RF reference) is used where the column exists,
else the invoice number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import psycopg

from core import policy as core_policy
from core.periods import month_add
from exports.bills.i18n import texts
from exports.bills.model import Bill, DunningNotice, Line, MeterRead, ServiceSection, UsageMonth, Utility

# The bill's language by the invoice's currency (D106); English for any other.
LOCALE_OF_CURRENCY = {"KRW": "ko"}
NOTICE_STAGES = ("reminder", "warning", "disconnection_notice")
STAGE_MESSAGES = {
    "reminder": "A payment reminder has been sent: earlier bills are {days} days overdue.",
    "warning": "Warning: earlier bills are {days} days overdue. Please pay now.",
    "disconnection_notice": "Your supply may be disconnected: see the enclosed notice.",
}
SERVICE_LINE_TYPES = {"energy", "basic", "fixed", "minimum_topup", "common_area", "trueup_credit", "rebill_adjustment"}


class BillsError(Exception):
    """A period's bills cannot be made (not billed yet); the message says what to do."""


def utility_from_policy(policy: dict[str, Any] | None = None) -> Utility:
    """The issuer: the policy's `creditor` {name, iban, bic} where present (branch sepa adds it), read
    defensively; without an IBAN the bills carry no QR code and the batch report says so."""
    policy = core_policy.load() if policy is None else policy
    creditor = policy.get("creditor") or {}
    if not isinstance(creditor, dict):
        creditor = {}
    return Utility(
        name=str(creditor.get("name") or "Meter-to-Cash Utility"),
        address=str(creditor.get("address") or ""),
        iban=creditor.get("iban") or None,
        bic=creditor.get("bic") or None,
        email=str(creditor.get("email") or "billing@localhost"),
    )


def has_column(conn: psycopg.Connection, table: str, column: str) -> bool:
    return bool(
        conn.execute(
            """select 1 from information_schema.columns
               where table_schema = 'marts' and table_name = %s and column_name = %s""",
            (table, column),
        ).fetchone()
    )


def issued_invoice_ids(conn: psycopg.Connection, period: str) -> list[str]:
    """The period's issued invoices in delivery order (district, account). Raises BillsError if it is not billed."""
    billed = conn.execute("select count(*) from marts.fct_invoices where period = %s", (period,)).fetchone()[0]
    if not billed:
        raise BillsError(f"period {period} has no invoices: bill it first (m2c run --through {period})")
    rows = conn.execute(
        """select i.invoice_id from marts.fct_invoices as i
           left join marts.dim_accounts as a on i.account_id = a.account_id
           where i.period = %s and i.status = 'issued' order by coalesce(a.district, ''), i.account_id""",
        (period,),
    )
    return [invoice_id for (invoice_id,) in rows]


def load_bills(conn: psycopg.Connection, period: str, invoice_ids: list[str]) -> list[Bill]:
    """These issued invoices of the period as bills, in delivery order (district, account).

    A batch loads slices of issued_invoice_ids(), so memory does not grow with the period's size.
    """
    reference = "payment_reference" if has_column(conn, "fct_invoices", "payment_reference") else "invoice_id"
    rows = conn.execute(
        f"""select i.invoice_id, i.account_id, coalesce(a.customer_name, i.account_id), i.period, i.bill_date,
                   i.due_date, i.currency, i.total_amount, i.subtotal_amount, i.vat_amount, i.levy_amount,
                   i.late_charge_amount, coalesce(i.{reference}, i.invoice_id), coalesce(a.district, ''), a.email
            from marts.fct_invoices as i left join marts.dim_accounts as a on i.account_id = a.account_id
            where i.period = %(period)s and i.status = 'issued'
              and i.invoice_id = any(%(ids)s)""",
        {"period": period, "ids": invoice_ids},
    ).fetchall()
    bills = {row[0]: bill_of_row(row) for row in rows}
    add_lines(conn, period, bills)
    add_reads(conn, period, bills)
    add_history(conn, period, bills)
    add_balances(conn, period, bills)
    add_messages(conn, period, bills)
    return sorted(bills.values(), key=lambda bill: (bill.district, bill.account_id))


def bill_of_row(row: tuple) -> Bill:
    (invoice_id, account_id, name, period, bill_date, due_date, currency, total, subtotal, vat, levy, late,
     reference, district, email) = row  # fmt: skip
    return Bill(
        invoice_id=invoice_id,
        account_id=account_id,
        customer_name=name,
        service_address="",
        period=period,
        bill_date=bill_date,
        due_date=due_date,
        currency=currency,
        total=total,
        subtotal=subtotal,
        vat=vat,
        levy=levy,
        late_charges=late,
        payment_reference=reference,
        district=district,
        email=email or None,
        locale=LOCALE_OF_CURRENCY.get(currency, "en"),
    )


def section_of(bill: Bill, service: str, unit: str | None) -> ServiceSection:
    for section in bill.sections:
        if section.service == service:
            return section
    section = ServiceSection(service, unit or "")
    bill.sections.append(section)
    return section


def add_lines(conn: psycopg.Connection, period: str, bills: dict[str, Bill]) -> None:
    lines = conn.execute(
        """select invoice_id, line_no, line_type, service, quantity, unit, unit_price, amount, block_no,
                  coalesce(is_estimated, false), adjusts_period, service_point_id
           from marts.fct_invoice_lines where period = %s and invoice_id = any(%s) order by invoice_id, line_no""",
        (period, list(bills)),
    )
    for invoice_id, no, kind, service, quantity, unit, price, amount, block, estimated, adjusts, point in lines:
        bill = bills.get(invoice_id)
        if bill is None:
            continue
        line = Line(no, kind, service, quantity, unit, price, amount, block, estimated, adjusts)
        if kind in SERVICE_LINE_TYPES and service:
            section = section_of(bill, service, unit if kind == "energy" else None)
            section.unit = section.unit or (unit if kind == "energy" else "") or ""
            section.lines.append(line)
            if point and point not in section.service_point_ids:
                section.service_point_ids.append(point)
        else:
            bill.other_lines.append(line)


def add_reads(conn: psycopg.Connection, period: str, bills: dict[str, Bill]) -> None:
    """Each section's meters: the reads of its service points (fct_bill_meter_reads)."""
    by_point = {
        point: (bill, section)
        for bill in bills.values()
        for section in bill.sections
        for point in section.service_point_ids
    }
    reads = conn.execute(
        """select service_point_id, meter_id, previous_read_on, previous_reading, current_read_on, current_reading,
                  read_kind, multiplier, usage_units, unit, address
           from marts.fct_bill_meter_reads where period = %s and service_point_id = any(%s)
           order by service_point_id, meter_id""",
        (period, list(by_point)),
    )
    for point, meter, prev_on, prev, cur_on, cur, kind, multiplier, usage, unit, address in reads:
        if point not in by_point:
            continue
        bill, section = by_point[point]
        section.reads.append(MeterRead(meter, prev_on, prev, cur_on, cur, kind, multiplier or Decimal(1), usage, unit))
        bill.service_address = bill.service_address or (address or "")


def add_history(conn: psycopg.Connection, period: str, bills: dict[str, Bill]) -> None:
    """13 months of billed units per invoice account and service, this period included (energy lines)."""
    first = f"{month_add(dt.date.fromisoformat(period + '-01'), -12):%Y-%m}"
    rows = conn.execute(
        """select account_id, service, period, sum(quantity), bool_or(coalesce(is_estimated, false))
           from marts.fct_invoice_lines
           where period between %s and %s and line_type = 'energy' and account_id = any(%s)
           group by account_id, service, period order by account_id, service, period""",
        (first, period, [bill.account_id for bill in bills.values()]),
    )
    sections = {(bill.account_id, section.service): section for bill in bills.values() for section in bill.sections}
    for account, service, month, units, estimated in rows:
        section = sections.get((account, service))
        if section is not None:
            section.history.append(UsageMonth(month, units or Decimal(0), estimated))


def add_balances(conn: psycopg.Connection, period: str, bills: dict[str, Bill]) -> None:
    """The account's position as the customer sees it (D107): what it owed net of the credit it held.

    Receivables come from `fct_ar_movements`, the credit held (overpayments, customer credits 2300) from
    `rpt_ar_subledger.credit_balance_amount` at the previous and this period's end. Previous balance: the
    receivable after the earlier periods' movements, plus this period's movements other than payments and
    this bill (write-offs, reopened items), less the credit held at the previous period's end. Payments
    received: this period's `paid` movements (net of reversals) plus the growth of the credit held, i.e. the
    money received, whether it paid an invoice or waits as credit. So amount due = previous balance -
    payments + this bill = the receivable after this period less the credit then held.
    """
    accounts = [bill.account_id for bill in bills.values()]
    previous_period = f"{month_add(dt.date.fromisoformat(period + '-01'), -1):%Y-%m}"
    credit = {
        (account, at): amount
        for account, at, amount in conn.execute(
            """select account_id, period, sum(credit_balance_amount) from marts.rpt_ar_subledger
               where period in (%(period)s, %(previous)s) and account_id = any(%(accounts)s)
               group by account_id, period""",
            {"period": period, "previous": previous_period, "accounts": accounts},
        )
    }
    rows = conn.execute(
        """select account_id,
                  coalesce(sum(ar_amount) filter (where period < %(period)s
                      or (period = %(period)s and movement_type not in ('paid', 'billed', 'late_charge'))), 0),
                  coalesce(-sum(ar_amount) filter (where period = %(period)s and movement_type = 'paid'), 0)
           from marts.fct_ar_movements where period <= %(period)s and account_id = any(%(accounts)s)
           group by account_id""",
        {"period": period, "accounts": accounts},
    )
    by_account = {bill.account_id: bill for bill in bills.values()}
    for account, previous, paid in rows:
        bill = by_account[account]
        held_before = credit.get((account, previous_period), Decimal(0))
        held_now = credit.get((account, period), Decimal(0))
        bill.previous_balance = previous - held_before
        bill.payments_received = paid + held_now - held_before


def add_messages(conn: psycopg.Connection, period: str, bills: dict[str, Bill]) -> None:
    """Estimated reads, a tariff version that took effect in the period, the dunning stage reached."""
    start = dt.date.fromisoformat(period + "-01")
    changes = dict(
        conn.execute(
            """select invoice_id, min(tariff_effective_from) from marts.fct_invoice_lines
               where period = %s and invoice_id = any(%s) and tariff_effective_from > %s
                     and tariff_effective_from < %s
               group by invoice_id""",
            (period, list(bills), start, month_add(start, 1)),
        ).fetchall()
    )
    stages = {
        account: (stage, days)
        for account, stage, days in conn.execute(
            """select account_id, dunning_stage, days_past_due from marts.fct_dunning_stages
               where period = %s and account_id = any(%s)""",
            (period, [bill.account_id for bill in bills.values()]),
        )
    }
    for bill in bills.values():
        t = texts(bill.locale)
        if bill.has_estimated_reads or any(line.is_estimated for s in bill.sections for line in s.lines):
            bill.messages.append(
                t.gettext("Some reads on this bill are estimated; your next actual read will correct them.")
            )
        if bill.invoice_id in changes:
            bill.messages.append(
                t.gettext("Your tariff changed on {date}.").format(date=t.date(changes[bill.invoice_id]))
            )
        stage, days = stages.get(bill.account_id, (None, 0))
        if stage in STAGE_MESSAGES:
            bill.messages.append(t.gettext(STAGE_MESSAGES[stage]).format(days=days))


def load_notices(conn: psycopg.Connection, period: str, disconnection_days: int) -> list[DunningNotice]:
    """A notice per account whose dunning stage this period is reminder, warning or disconnection notice (D111).

    Dated the day after the stage's as-of date, to be paid within 14 days; a disconnection notice names the day
    the oldest overdue item reaches `disconnection_days` past due. Delivery order: district, account.
    """
    rows = conn.execute(
        """with addresses as (
               -- each invoiced account's first service address of the period (one pass over the lines)
               select distinct on (l.account_id) l.account_id, r.address
               from marts.fct_invoice_lines as l
               inner join marts.fct_bill_meter_reads as r
                   on l.period = r.period and l.service_point_id = r.service_point_id
               where l.period = %(period)s
               order by l.account_id, l.line_no
           )
           select d.account_id, coalesce(a.customer_name, d.account_id), d.as_of_date, d.dunning_stage, d.currency,
                  d.overdue_amount, d.oldest_overdue_due_date, d.days_past_due, coalesce(a.district, ''), s.address
           from marts.fct_dunning_stages as d
           left join marts.dim_accounts as a on d.account_id = a.account_id
           left join addresses as s on d.account_id = s.account_id
           where d.period = %(period)s and d.dunning_stage = any(%(stages)s)
           order by coalesce(a.district, ''), d.account_id""",
        {"period": period, "stages": list(NOTICE_STAGES)},
    ).fetchall()
    notices = []
    for account, name, as_of, stage, currency, overdue, oldest, days, district, address in rows:
        notice_date = as_of + dt.timedelta(days=1)
        notices.append(
            DunningNotice(
                account_id=account,
                customer_name=name,
                service_address=address or "",
                period=period,
                notice_date=notice_date,
                stage=stage,
                currency=currency,
                overdue_amount=overdue,
                oldest_due_date=oldest,
                days_past_due=days,
                pay_by=notice_date + dt.timedelta(days=14),
                disconnection_from=oldest + dt.timedelta(days=disconnection_days)
                if stage == "disconnection_notice"
                else None,
                district=district,
                locale=LOCALE_OF_CURRENCY.get(currency, "en"),
            )
        )
    return notices
