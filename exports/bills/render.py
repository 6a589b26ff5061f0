"""Lay out a bill or a dunning notice as an A4 PDF with Typst (chosen by measurement, D104).

Python prepares a view: every text translated and every figure formatted for the bill's locale and currency
(exports.bills.i18n); the Typst templates (templates/bill.typ, notice.typ) only lay it out. One Typst compiler
per process and template, so fonts are loaded once. The same bill gives the same bytes: Typst's output is a
function of its input, and the document date is pinned to the bill date (D109). Fonts: DejaVu Sans (Debian
fonts-dejavu-core) and Noto Sans CJK KR for Hangul (fonts-noto-cjk), found among the system fonts.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import segno
import typst
from babel.dates import format_date

from core.periods import month_add
from exports.bills.i18n import Texts, texts
from exports.bills.model import Bill, DunningNotice, Line, ServiceSection, Utility
from exports.bills.qr import NoQrCode, epc_qr

TEMPLATES = Path(__file__).parent / "templates"
SERVICE_NAMES = {"electricity": "Electricity", "water": "Water", "heat": "Heat", "gas": "Gas"}
READ_TYPES = {"actual": "actual", "interval": "smart meter", "estimated": "ESTIMATED", "negative": "register went down"}
TAX_LINES = {"levy", "vat", "late_charge"}
PAGE_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", re.S)


@lru_cache
def compiler(template: str) -> typst.Compiler:
    """The process's compiler of a template (fonts scanned once)."""
    return typst.Compiler(TEMPLATES / template, root=TEMPLATES)


def compile_pdf(template: str, view: dict, day: dt.date) -> tuple[bytes, int]:
    """The template filled with the view: PDF bytes (document date = day, midnight UTC) and page count."""
    stamp = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    pdf = compiler(template).compile(sys_inputs={"data": json.dumps(view, ensure_ascii=False)}, timestamp=stamp)
    return pdf, page_count(pdf)


def page_count(pdf: bytes) -> int:
    """Pages of a PDF from its page tree root's /Count."""
    found = PAGE_COUNT.search(pdf)
    if not found:
        raise ValueError("no page tree in the PDF")
    return int(found.group(1) or found.group(2))


def render_bill(bill: Bill, utility: Utility) -> tuple[bytes, int, str | None]:
    """The bill as PDF bytes, its page count, and why it has no QR code (None if it has one)."""
    view, no_qr = bill_view(bill, utility)
    pdf, pages = compile_pdf("bill.typ", view, bill.bill_date)
    return pdf, pages, no_qr


def bill_view(bill: Bill, utility: Utility) -> tuple[dict, str | None]:
    """What the bill template shows, as JSON-ready strings; and why there is no QR code, if so."""
    t = texts(bill.locale)
    g = t.gettext
    money = lambda amount: t.money(amount, bill.currency)  # noqa: E731
    try:
        qr, no_qr = svg(epc_qr(bill, utility)), None
    except NoQrCode as reason:
        qr, no_qr = None, str(reason)
    slip = [
        [g("Amount due"), money(bill.amount_due)],
        [g("Due date"), t.date(bill.due_date)],
        [g("Reference"), bill.payment_reference],
        [g("Pay to"), utility.name],
    ]
    if utility.iban and bill.currency == "EUR":
        slip.append(["IBAN", utility.iban])
    view = {
        "lang": t.locale.language,
        "title": g("Bill"),
        "copy": g("COPY - reissued from the archive") if bill.is_copy else None,
        "continued": f"{utility.name} · {g('Bill')} {bill.invoice_id} · {g('continued')}",
        "utility": {"name": utility.name, "address": utility.address},
        "customer": bill.customer_name,
        "address": bill.service_address,
        "account": f"{g('Account')} {bill.account_id}",
        "facts": [
            [g("Bill number"), bill.invoice_id],
            [g("Bill date"), t.date(bill.bill_date)],
            [g("Period"), bill.period],
            [g("Due date"), t.date(bill.due_date)],
            [g("Payment reference"), bill.payment_reference],
        ],
        "summary": [
            [g("Previous balance"), money(bill.previous_balance)],
            [g("Payments received, thank you"), money(-bill.payments_received)],
            [g("Charges of this bill"), money(bill.total)],
        ],
        "due_label": g("Amount due by {date}").format(date=t.date(bill.due_date)),
        "amount_due": money(bill.amount_due),
        "read_heads": [g(head) for head in ("Meter", "Previous read", "Current read", "Read type", "Multiplier")]
        + [g("Usage")],
        "line_heads": [g("Charge"), g("Quantity"), g("Unit price"), g("Amount")],
        "sections": [section_view(t, bill, section) for section in bill.sections],
        "other_lines": [line_cells(t, line, bill.currency) for line in bill.other_lines],
        "total_label": g("Total of this bill"),
        "total": money(bill.total),
        "messages_label": g("Messages"),
        "messages": bill.messages,
        "payment_label": g("Payment"),
        "slip": slip,
        "qr": qr,
        "qr_label": g("Scan to pay (GiroCode)"),
    }
    return view, no_qr


def svg(qr: segno.QRCode) -> str:
    """The QR code as SVG (4-module quiet zone, as ISO/IEC 18004 asks)."""
    out = io.BytesIO()
    qr.save(out, kind="svg", border=4, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def section_view(t: Texts, bill: Bill, section: ServiceSection) -> dict:
    name = t.gettext(SERVICE_NAMES.get(section.service, section.service))
    return {
        "name": name,
        "points": ", ".join(section.service_point_ids),
        "reads": [
            {
                "meter": read.meter_id,
                "previous": f"{t.number(read.previous_reading)}  {t.date(read.previous_on)}".strip(),
                "current": f"{t.number(read.current_reading)}  {t.date(read.current_on)}".strip(),
                "type": t.gettext(READ_TYPES.get(read.read_type, read.read_type)),
                "estimated": read.is_estimated,
                "multiplier": t.number(read.multiplier),
                "usage": f"{t.number(read.usage)} {read.unit}".strip(),
            }
            for read in section.reads
        ],
        "lines": [line_cells(t, line, bill.currency) for line in section.lines],
        "subtotal_label": t.gettext("Subtotal {service}").format(service=name),
        "subtotal": t.money(section.subtotal, bill.currency),
        "chart_title": t.gettext("Usage, last 13 months ({unit})").format(unit=section.unit),
        "history": chart_months(t, bill.period, section),
    }


def chart_months(t: Texts, period: str, section: ServiceSection) -> list[dict]:
    """13 bars, the period last; a month without billed usage is an empty bar."""
    last = dt.date.fromisoformat(period + "-01")
    billed = {month.period: month for month in section.history}
    bars = []
    for back in range(12, -1, -1):
        day = month_add(last, -back)
        month = billed.get(f"{day:%Y-%m}")
        bars.append(
            {
                "units": float(max(month.units, Decimal(0))) if month else 0.0,  # bar heights only, not money
                "estimated": bool(month and month.is_estimated),
                "label": format_date(day, "MMM", locale=t.locale),
            }
        )
    return bars


def line_label(t: Texts, line: Line) -> str:
    g = t.gettext
    labels = {
        "energy": g("Usage, block {block}").format(block=line.block_no) if line.block_no else g("Usage"),
        "basic": g("Basic charge"),
        "fixed": g("Fixed charge"),
        "minimum_topup": g("Minimum charge top-up"),
        "common_area": g("Common area share"),
        "trueup_credit": g("True-up of estimated usage"),
        "rebill_adjustment": g("Correction of {period}").format(period=line.adjusts_period),
        "levy": g("Levy"),
        "vat": g("VAT"),
        "late_charge": g("Late payment charge on {period}").format(period=line.adjusts_period),
    }
    label = labels.get(line.line_type, line.line_type)
    return f"{label} ({g('estimated')})" if line.is_estimated and line.line_type == "energy" else label


def line_cells(t: Texts, line: Line, currency: str) -> list[str]:
    """Label, quantity, unit price, amount; a tax line's quantity is its base (money), its price a rate."""
    quantity = price = ""
    if line.quantity is not None:
        if line.line_type in TAX_LINES:
            quantity = t.amount(line.quantity, currency)
        else:
            digits = 3 if line.line_type in {"basic", "fixed"} else None
            quantity = f"{t.number(line.quantity, digits)} {t.gettext(line.unit or '')}".strip()
    if line.unit_price is not None:
        if line.line_type in TAX_LINES:
            price = t.percent(line.unit_price)
        else:
            price = t.number(line.unit_price, max(2, -line.unit_price.normalize().as_tuple().exponent))
    return [line_label(t, line), quantity, price, t.money(line.amount, currency)]


def render_notice(notice: DunningNotice, utility: Utility) -> tuple[bytes, int]:
    """A reminder, warning or disconnection notice as PDF bytes and its page count."""
    t = texts(notice.locale)
    g = t.gettext
    titles = {
        "reminder": g("Payment reminder"),
        "warning": g("Payment warning"),
        "disconnection_notice": g("Notice of disconnection"),
    }
    overdue = t.money(notice.overdue_amount, notice.currency)
    body = [
        g("Our records show {amount} overdue since {date} ({days} days).").format(
            amount=overdue, date=t.date(notice.oldest_due_date), days=notice.days_past_due
        ),
        g("Please pay it by {date}.").format(date=t.date(notice.pay_by)),
    ]
    if notice.stage == "disconnection_notice" and notice.disconnection_from:
        body.append(
            g("If it is not paid, your supply may be disconnected from {date}.").format(
                date=t.date(notice.disconnection_from)
            )
        )
    body.append(g("If you have paid in the meantime, please disregard this notice."))
    view = {
        "lang": t.locale.language,
        "title": titles[notice.stage],
        "utility": {"name": utility.name, "address": utility.address},
        "customer": notice.customer_name,
        "address": notice.service_address,
        "account": f"{g('Account')} {notice.account_id}",
        "body": [{"text": sentence, "strong": "disconnected" in sentence or "중단" in sentence} for sentence in body],
        "facts": [[g("Notice date"), t.date(notice.notice_date)], [g("Overdue"), overdue]],
    }
    return compile_pdf("notice.typ", view, notice.notice_date)
