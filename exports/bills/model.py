"""What a bill shows, as plain data: filled from the marts (exports.bills.load), drawn by exports.bills.render.

Money is Decimal in the invoice's currency (ISO 4217 code), quantities are Decimal in the line's unit,
dates are datetime.date. Nothing here touches the database or the PDF library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Utility:
    """The issuing utility: the header of every bill, and the creditor of the payment QR code (EUR only)."""

    name: str
    address: str = ""
    iban: str | None = None
    bic: str | None = None
    email: str = "billing@localhost"


@dataclass(frozen=True)
class MeterRead:
    """One meter's reads of the period: previous (the baseline) and current (the billing read)."""

    meter_id: str
    previous_on: dt.date | None
    previous_reading: Decimal | None
    current_on: dt.date | None
    current_reading: Decimal | None
    read_type: str  # actual, interval, estimated, negative
    multiplier: Decimal
    usage: Decimal | None
    unit: str

    @property
    def is_estimated(self) -> bool:
        return self.read_type == "estimated"


@dataclass(frozen=True)
class Line:
    """One invoice line as fct_invoice_lines has it."""

    line_no: int
    line_type: str
    service: str | None
    quantity: Decimal | None
    unit: str | None
    unit_price: Decimal | None
    amount: Decimal
    block_no: int | None = None
    is_estimated: bool = False
    adjusts_period: str | None = None


@dataclass(frozen=True)
class UsageMonth:
    """Billed units of one service in one period (the 13-month chart)."""

    period: str
    units: Decimal
    is_estimated: bool = False


@dataclass
class ServiceSection:
    """One service of the bill: its meters' reads, its charge lines and 13 months of usage."""

    service: str
    unit: str
    service_point_ids: list[str] = field(default_factory=list)
    reads: list[MeterRead] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    history: list[UsageMonth] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


@dataclass
class Bill:
    """One issued invoice as the customer receives it.

    `sections` hold the service lines; `other_lines` the invoice-wide ones (levy, VAT, late charges).
    `previous_balance` is what the account owed before this invoice (its receivable balance at the end of
    the previous period less the credit it held; negative when in credit), `payments_received` the money
    received since (a positive number), so amount_due = previous_balance - payments_received + total.
    """

    invoice_id: str
    account_id: str
    customer_name: str
    service_address: str
    period: str
    bill_date: dt.date
    due_date: dt.date
    currency: str
    total: Decimal
    subtotal: Decimal
    vat: Decimal
    levy: Decimal
    late_charges: Decimal
    payment_reference: str
    district: str = ""
    email: str | None = None
    locale: str = "en"
    sections: list[ServiceSection] = field(default_factory=list)
    other_lines: list[Line] = field(default_factory=list)
    previous_balance: Decimal = Decimal(0)
    payments_received: Decimal = Decimal(0)
    messages: list[str] = field(default_factory=list)
    is_copy: bool = False

    @property
    def amount_due(self) -> Decimal:
        return self.previous_balance - self.payments_received + self.total

    @property
    def has_estimated_reads(self) -> bool:
        return any(read.is_estimated for section in self.sections for read in section.reads)


@dataclass(frozen=True)
class DunningNotice:
    """A reminder, warning or disconnection notice for an account at the stage it reached this period."""

    account_id: str
    customer_name: str
    service_address: str
    period: str
    notice_date: dt.date
    stage: str  # reminder, warning, disconnection_notice
    currency: str
    overdue_amount: Decimal
    oldest_due_date: dt.date
    days_past_due: int
    pay_by: dt.date
    disconnection_from: dt.date | None
    district: str = ""
    locale: str = "en"
