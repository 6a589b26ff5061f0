"""Draw a bill or a dunning notice as an A4 PDF with ReportLab (chosen by measurement, D104).

The PDF is byte-identical for the same bill: ReportLab's invariant mode (no random font subset prefixes,
a document id from the content) with the creation date fixed to the bill date (D109). Fonts are embedded
TrueType: DejaVu Sans for Latin scripts, NanumGothic for Korean (Debian fonts-dejavu-core, fonts-nanum).
"""

from __future__ import annotations

import datetime as dt
import io
import time
import zlib
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import segno
from babel.dates import format_date
from PIL import Image, ImageOps
from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDocument, PDFStream, PDFTrueTypeFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from core.periods import month_add
from exports.bills.i18n import Texts, texts
from exports.bills.model import Bill, DunningNotice, Line, ServiceSection, Utility
from exports.bills.qr import NoQrCode, epc_qr

WIDTH, HEIGHT = A4
MARGIN = 40
BOTTOM = 36
INK = HexColor("#1b1b1b")
GREY = HexColor("#6b6b6b")
RULE = HexColor("#c8c8c8")
ACCENT = HexColor("#1f4e78")
ESTIMATED = HexColor("#f0a30a")
SHADE = HexColor("#eef3f8")
FONT_FILES = {
    "latin": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    "korean": (
        "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
        "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    ),
}
FONT_PACKAGES = {"latin": "fonts-dejavu-core", "korean": "fonts-nanum"}
FONT_OF_LANGUAGE = {"ko": "korean"}
# Page and image streams FlateDecode only, not also ASCII85 (a 7-bit transport encoding no print house or mail
# needs): ~5 % less CPU a bill and 1 % smaller files (D125). ReportLab reads this setting when it writes a page;
# the bills are its only user in this product.
rl_config.useA85 = 0


@lru_cache
def fonts(language: str) -> tuple[str, str]:
    """Register (once per process) and return the regular and bold font names for a language."""
    script = FONT_OF_LANGUAGE.get(language, "latin")
    names = (f"bill-{script}", f"bill-{script}-bold")
    for name, path in zip(names, FONT_FILES[script], strict=True):
        if not Path(path).exists():
            raise FileNotFoundError(
                f"font {path} is missing: install the Debian package {FONT_PACKAGES[script]} (make)"
            )
        pdfmetrics.registerFont(SubsetCachingTTFont(name, path))
    return names


@lru_cache(maxsize=256)
def flate(data: bytes) -> bytes:
    """zlib (RFC 1950) compression of a stream that documents repeat: font subsets and their ToUnicode maps."""
    return zlib.compress(data)


class MemoFlate:
    """ReportLab's FlateDecode stream filter with the compressed bytes remembered by content."""

    pdfname = "FlateDecode"

    def encode(self, text: bytes | str) -> bytes:
        return flate(text.encode("utf8") if isinstance(text, str) else text)

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


MEMO_FLATE = MemoFlate()
REPEATED_STREAMS = ("fontFile:", "toUnicodeCMap:")


class SubsetCachingTTFont(TTFont):
    """A TrueType font whose embedded subsets are made and compressed once per process for each set of
    characters (D104): bills use almost the same characters, so every bill would otherwise subset and
    compress the same font program again. The PDF bytes are the same as ReportLab's own."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        make_subset = lru_cache(maxsize=64)(lambda subset: self.face.__class__.makeSubset(self.face, list(subset)))
        self.face.makeSubset = lambda subset: make_subset(tuple(subset))

    def addObjects(self, doc: PDFDocument) -> None:
        super().addObjects(doc)
        for name, obj in doc.idToObject.items():
            if isinstance(obj, PDFStream) and name.startswith(REPEATED_STREAMS):
                obj.filters = [MEMO_FLATE]
            elif isinstance(obj, PDFTrueTypeFont) and isinstance(obj.Widths, PDFArray):
                obj.Widths = WidthsArray(obj.Widths.sequence)


class WidthsArray(PDFArray):
    """A font subset's glyph widths (integers, 1/1000 em): formatted once per process for each subset (the
    same bytes as ReportLab's PDFArray); formatting them element by element was ~5 % of a bill."""

    def format(self, document: PDFDocument, IND: bytes = b"\n ") -> bytes:
        key = (tuple(self.sequence), IND)
        if key not in FORMATTED_WIDTHS:  # integers format alike in every document
            if len(FORMATTED_WIDTHS) > 256:
                FORMATTED_WIDTHS.clear()
            FORMATTED_WIDTHS[key] = super().format(document, IND)
        return FORMATTED_WIDTHS[key]


FORMATTED_WIDTHS: dict[tuple[tuple[int, ...], bytes], bytes] = {}


def fixed_timestamp(day: dt.date) -> TimeStamp:
    """ReportLab's document time stamp pinned to midnight UTC of a day (creation and modification date)."""
    stamp = TimeStamp(invariant=1)
    seconds = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    stamp.t = seconds
    stamp.lt = time.gmtime(seconds)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


class Page:
    """A canvas with a cursor running down the page; `need(h)` starts a new page when h points do not fit."""

    def __init__(self, title: str, day: dt.date, language: str, author: str) -> None:
        self.buffer = io.BytesIO()
        self.regular, self.bold = fonts(language)
        # The initial font is ours, so no unembedded standard font (Helvetica) enters the PDF.
        self.canvas = Canvas(
            self.buffer, pagesize=A4, invariant=1, pageCompression=1, lang=language, initialFontName=self.regular
        )
        self.canvas._doc._timeStamp = fixed_timestamp(day)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setCreator("Meter-to-Cash")
        self.canvas.setProducer("Meter-to-Cash (ReportLab)")
        self.y = HEIGHT - MARGIN
        self.pages = 1
        self.continuation = ""
        self.period = ""
        self.new_text()

    def new_text(self) -> None:
        """One text object per page: font and colour are set only when they change (a text object per string
        was half of a bill's drawing time). Text is drawn over the page's shapes when the page ends."""
        self.words = self.canvas.beginText()
        self.font_state: tuple[str, float] | None = None
        self.color_state: Color | None = None

    def text(
        self,
        x: float,
        text: str,
        size: float = 9,
        bold: bool = False,
        color: Color = INK,
        align: str = "l",
        y: float | None = None,
    ) -> None:
        """A string at x on the cursor's line (or at y), aligned left (l), right (r) or centred (c) on x."""
        font = self.bold if bold else self.regular
        if self.font_state != (font, size):
            self.words.setFont(font, size)
            self.font_state = (font, size)
        if self.color_state is not color:  # the module's colours: identity is enough, Color.__eq__ is slow
            self.words.setFillColor(color)
            self.color_state = color
        if align != "l":
            width = pdfmetrics.stringWidth(text, font, size)
            x -= width if align == "r" else width / 2
        self.words.setTextOrigin(x, self.y if y is None else y)
        self.words.textOut(text)

    def end_page(self) -> None:
        self.footer()
        self.canvas.drawText(self.words)
        self.canvas.showPage()
        self.new_text()

    def rule(self, color: Color = RULE, width: float = 0.5) -> None:
        self.canvas.setStrokeColor(color)
        self.canvas.setLineWidth(width)
        self.canvas.line(MARGIN, self.y, WIDTH - MARGIN, self.y)

    def need(self, height: float) -> None:
        if self.y - height >= BOTTOM:
            return
        self.end_page()
        self.pages += 1
        self.y = HEIGHT - MARGIN
        self.text(MARGIN, self.continuation, 9, color=GREY)
        self.y -= 20

    def footer(self) -> None:
        self.text(WIDTH - MARGIN, f"{self.pages}", 8, color=GREY, align="r", y=20)

    def finish(self) -> bytes:
        self.end_page()
        self.canvas.save()
        return self.buffer.getvalue()


def render_bill(bill: Bill, utility: Utility) -> tuple[bytes, int, str | None]:
    """The bill as PDF bytes, its page count, and why it has no QR code (None if it has one)."""
    t = texts(bill.locale)
    page = Page(f"{t.gettext('Bill')} {bill.invoice_id}", bill.bill_date, t.locale.language, utility.name)
    page.continuation = f"{utility.name} · {t.gettext('Bill')} {bill.invoice_id} · {t.gettext('continued')}"
    page.period = bill.period
    header(page, t, utility, t.gettext("Bill"), copy=bill.is_copy)
    account_block(page, t, bill)
    summary_block(page, t, bill)
    for section in bill.sections:
        service_section(page, t, bill, section)
    totals_block(page, t, bill)
    messages_block(page, t, bill.messages)
    why_no_qr = payment_slip(page, t, bill, utility)
    return page.finish(), page.pages, why_no_qr


def header(page: Page, t: Texts, utility: Utility, title: str, copy: bool = False) -> None:
    page.y -= 14
    page.text(MARGIN, utility.name, 16, bold=True, color=ACCENT)
    page.text(WIDTH - MARGIN, title, 16, bold=True, align="r")
    page.y -= 13
    page.text(MARGIN, utility.address, 8, color=GREY)
    if copy:
        page.text(
            WIDTH - MARGIN,
            t.gettext("COPY - reissued from the archive"),
            9,
            bold=True,
            color=HexColor("#b00020"),
            align="r",
        )
    page.y -= 8
    page.rule(ACCENT, 1)
    page.y -= 16


def pairs(page: Page, x: float, rows: list[tuple[str, str]], label_width: float = 95, size: float = 9) -> float:
    """Label/value rows from the cursor down at x; returns the y below them (the cursor is not moved)."""
    top = page.y
    for label, value in rows:
        page.text(x, label, size, color=GREY)
        page.text(x + label_width, value, size, bold=True)
        page.y -= size + 4
    bottom, page.y = page.y, top
    return bottom


def account_block(page: Page, t: Texts, bill: Bill) -> None:
    top = page.y
    page.text(MARGIN, bill.customer_name, 11, bold=True)
    page.y -= 13
    page.text(MARGIN, bill.service_address, 9)
    page.y -= 12
    page.text(MARGIN, f"{t.gettext('Account')} {bill.account_id}", 9, color=GREY)
    left = page.y - 12
    page.y = top
    right = pairs(
        page,
        WIDTH / 2 + 20,
        [
            (t.gettext("Bill number"), bill.invoice_id),
            (t.gettext("Bill date"), t.date(bill.bill_date)),
            (t.gettext("Period"), bill.period),
            (t.gettext("Due date"), t.date(bill.due_date)),
            (t.gettext("Payment reference"), bill.payment_reference),
        ],
    )
    page.y = min(left, right) - 6


def summary_block(page: Page, t: Texts, bill: Bill) -> None:
    rows = [
        (t.gettext("Previous balance"), bill.previous_balance),
        (t.gettext("Payments received, thank you"), -bill.payments_received),
        (t.gettext("Charges of this bill"), bill.total),
    ]
    height = 14 * len(rows) + 26
    page.canvas.setFillColor(SHADE)
    page.canvas.rect(MARGIN, page.y - height + 10, WIDTH - 2 * MARGIN, height, stroke=0, fill=1)
    for label, value in rows:
        page.text(MARGIN + 10, label, 9)
        page.text(WIDTH - MARGIN - 10, t.money(value, bill.currency), 9, align="r")
        page.y -= 14
    if bill.amount_due < 0:  # the credit the account holds pays this bill and more: nothing to pay
        label, shown = t.gettext("Credit on your account, nothing to pay"), -bill.amount_due
    else:
        label, shown = t.gettext("Amount due by {date}").format(date=t.date(bill.due_date)), bill.amount_due
    page.text(MARGIN + 10, label, 11, bold=True)
    page.text(WIDTH - MARGIN - 10, t.money(shown, bill.currency), 12, bold=True, align="r")
    page.y -= 30


SERVICE_NAMES = {"electricity": "Electricity", "water": "Water", "heat": "Heat", "gas": "Gas"}
READ_TYPES = {"actual": "actual", "interval": "smart meter", "estimated": "ESTIMATED", "negative": "register went down"}


def service_section(page: Page, t: Texts, bill: Bill, section: ServiceSection) -> None:
    page.need(60 + 12 * len(section.reads))
    page.text(MARGIN, t.gettext(SERVICE_NAMES.get(section.service, section.service)), 11, bold=True, color=ACCENT)
    page.text(WIDTH - MARGIN, ", ".join(section.service_point_ids), 8, color=GREY, align="r")
    page.y -= 4
    page.rule()
    page.y -= 11
    columns = [MARGIN, MARGIN + 80, MARGIN + 200, MARGIN + 320, MARGIN + 405, WIDTH - MARGIN]
    heads = ["Meter", "Previous read", "Current read", "Read type", "Multiplier", "Usage"]
    for x, head in zip(columns, heads, strict=True):
        page.text(x, t.gettext(head), 7.5, color=GREY, align="r" if x == columns[-1] else "l")
    for read in section.reads:
        page.need(12)
        page.y -= 11
        estimated = read.is_estimated
        cells = [
            read.meter_id,
            f"{t.number(read.previous_reading)}  {t.date(read.previous_on)}",
            f"{t.number(read.current_reading)}  {t.date(read.current_on)}",
            t.gettext(READ_TYPES.get(read.read_type, read.read_type)),
            t.number(read.multiplier),
            f"{t.number(read.usage)} {read.unit}",
        ]
        for index, (x, cell) in enumerate(zip(columns, cells, strict=True)):
            color = ESTIMATED if estimated and index == 3 else INK
            page.text(x, cell, 8, bold=estimated and index == 3, color=color, align="r" if x == columns[-1] else "l")
    page.y -= 16
    charge_lines(page, t, bill, section)


def line_label(t: Texts, line: Line) -> str:
    labels = {
        "energy": t.gettext("Usage, block {block}").format(block=line.block_no)
        if line.block_no
        else t.gettext("Usage"),
        "basic": t.gettext("Basic charge"),
        "fixed": t.gettext("Fixed charge"),
        "minimum_topup": t.gettext("Minimum charge top-up"),
        "common_area": t.gettext("Common area share"),
        "trueup_credit": t.gettext("True-up of estimated usage"),
        "rebill_adjustment": t.gettext("Correction of {period}").format(period=line.adjusts_period),
        "levy": t.gettext("Levy"),
        "vat": t.gettext("VAT"),
        "late_charge": t.gettext("Late payment charge on {period}").format(period=line.adjusts_period),
    }
    label = labels.get(line.line_type, line.line_type)
    return f"{label} ({t.gettext('estimated')})" if line.is_estimated and line.line_type == "energy" else label


def line_row(page: Page, t: Texts, line: Line, currency: str, right: float) -> None:
    """Label, quantity, unit price and amount; a tax line's quantity is its base (money), its price a rate."""
    page.text(MARGIN, line_label(t, line), 8.5)
    if line.quantity is not None:
        if line.line_type in {"levy", "vat", "late_charge"}:
            quantity = t.amount(line.quantity, currency)  # the tax base, in the bill's currency
        else:
            quantity = t.number(line.quantity, 3 if line.line_type in {"basic", "fixed"} else None)
            quantity = f"{quantity} {t.gettext(line.unit) if line.unit else ''}".strip()
        page.text(MARGIN + 200, quantity, 8.5, align="r")
    if line.unit_price is not None:
        if line.line_type in {"levy", "vat", "late_charge"}:
            price = t.percent(line.unit_price)
        else:
            price = t.number(line.unit_price, max(2, -line.unit_price.normalize().as_tuple().exponent))
        page.text(MARGIN + 270, price, 8.5, align="r")
    page.text(right, t.money(line.amount, currency), 8.5, align="r")


def charge_lines(page: Page, t: Texts, bill: Bill, section: ServiceSection) -> None:
    chart_width, chart_height = 170, 44
    right = WIDTH - MARGIN - chart_width - 20
    page.need(min(len(section.lines), 5) * 12 + 30)
    chart_top = page.y + 4
    page.text(MARGIN, t.gettext("Charge"), 7.5, color=GREY)
    page.text(MARGIN + 200, t.gettext("Quantity"), 7.5, color=GREY, align="r")
    page.text(MARGIN + 270, t.gettext("Unit price"), 7.5, color=GREY, align="r")
    page.text(right, t.gettext("Amount"), 7.5, color=GREY, align="r")
    first_page = page.pages
    for line in section.lines:
        page.need(12)
        page.y -= 11
        line_row(page, t, line, bill.currency, right)
    page.y -= 13
    page.text(
        MARGIN,
        t.gettext("Subtotal {service}").format(service=t.gettext(SERVICE_NAMES.get(section.service, section.service))),
        9,
        bold=True,
    )
    page.text(right, t.money(section.subtotal, bill.currency), 9, bold=True, align="r")
    if page.pages == first_page:
        usage_chart(
            page, t, section, WIDTH - MARGIN - chart_width, chart_top - chart_height - 10, chart_width, chart_height
        )
        page.y = min(page.y, chart_top - chart_height - 20)
    page.y -= 6


def usage_chart(page: Page, t: Texts, section: ServiceSection, x: float, y: float, width: float, height: float) -> None:
    """13 bars of billed units, oldest left; estimated months in amber."""
    c = page.canvas
    title = t.gettext("Usage, last 13 months ({unit})").format(unit=section.unit)
    page.text(x, title, 7, color=GREY, y=y + height + 4)
    months = chart_months(page.period, section)
    top = max(units for _, units, _ in months) or Decimal(1)
    slot = width / 13
    for index, (day, units, estimated) in enumerate(months):
        bar = float(units / top) * (height - 10)  # a bar's height in points, not money
        c.setFillColor(ESTIMATED if estimated else ACCENT)
        c.rect(x + index * slot + 1.5, y + 8, slot - 3, bar, stroke=0, fill=1)
        page.text(x + index * slot + slot / 2, month_label(t, day), 5.5, color=GREY, align="c", y=y)
    c.setStrokeColor(RULE)
    c.line(x, y + 8, x + width, y + 8)


def chart_months(period: str, section: ServiceSection) -> list[tuple[dt.date, Decimal, bool]]:
    """13 months (first day, billed units ≥ 0, estimated), the period last; a month without usage is 0."""
    last = dt.date.fromisoformat(period + "-01")
    billed = {month.period: month for month in section.history}
    months = []
    for back in range(12, -1, -1):
        day = month_add(last, -back)
        month = billed.get(f"{day:%Y-%m}")
        months.append((day, max(month.units, Decimal(0)) if month else Decimal(0), bool(month and month.is_estimated)))
    return months


@lru_cache(maxsize=256)
def month_label(t: Texts, day: dt.date) -> str:
    return format_date(day, "MMM", locale=t.locale)


def totals_block(page: Page, t: Texts, bill: Bill) -> None:
    page.need(30 + 12 * len(bill.other_lines))
    page.rule()
    right = WIDTH - MARGIN
    for line in bill.other_lines:
        page.y -= 12
        line_row(page, t, line, bill.currency, right)
    page.y -= 16
    page.text(MARGIN, t.gettext("Total of this bill"), 11, bold=True)
    page.text(right, t.money(bill.total, bill.currency), 11, bold=True, align="r")
    page.y -= 8
    page.rule(ACCENT, 1)
    page.y -= 18


def messages_block(page: Page, t: Texts, messages: list[str]) -> None:
    if not messages:
        return
    page.need(16 + 12 * len(messages))
    page.text(MARGIN, t.gettext("Messages"), 9, bold=True)
    for message in messages:
        page.y -= 12
        page.text(MARGIN + 8, f"• {message}", 8.5)
    page.y -= 12


def payment_slip(page: Page, t: Texts, bill: Bill, utility: Utility) -> str | None:
    """The tear-off payment part: amount, due date, reference, IBAN and the EPC QR code (EUR)."""
    page.need(88)
    c = page.canvas
    c.setDash(3, 3)
    page.rule(GREY)
    c.setDash()
    page.y -= 16
    page.text(MARGIN, t.gettext("Payment"), 11, bold=True, color=ACCENT)
    page.y -= 6
    rows = [
        (t.gettext("Amount due"), t.money(max(bill.amount_due, Decimal(0)), bill.currency)),
        (t.gettext("Due date"), t.date(bill.due_date)),
        (t.gettext("Reference"), bill.payment_reference),
        (t.gettext("Pay to"), utility.name),
    ]
    if utility.iban and bill.currency == "EUR":
        rows.append(("IBAN", utility.iban))
    page.y -= 12
    bottom = pairs(page, MARGIN, rows, label_width=110, size=9.5)
    try:
        qr = epc_qr(bill, utility)
    except NoQrCode as reason:
        page.y = bottom
        return str(reason)
    size = 84
    x0, y0 = WIDTH - MARGIN - size, page.y - size + 18
    c.drawImage(qr_image(qr), x0, y0, size, size)
    page.text(x0 + size / 2, t.gettext("Scan to pay (GiroCode)"), 6.5, color=GREY, align="c", y=y0 - 9)
    page.y = min(bottom, y0 - 14)
    return None


def qr_image(qr: segno.QRCode) -> ImageReader:
    """The code as a one-pixel-per-module greyscale bitmap (dark 0, light 255) with its 4-module quiet zone:
    one small image in the PDF instead of a rectangle per run of dark modules (a third of a bill's drawing
    time, D108), made straight from segno's matrix (rows of 0/1 bytes): a PNG written and read back cost
    0.8 ms a bill."""
    size = len(qr.matrix)
    modules = Image.frombytes("L", (size, size), b"".join(qr.matrix)).point(DARK_MODULE)
    return ImageReader(ImageOps.expand(modules, border=4, fill=255))


DARK_MODULE = [0 if value & 1 else 255 for value in range(256)]  # PIL's lookup table for `point`


def render_notice(notice: DunningNotice, utility: Utility) -> tuple[bytes, int]:
    """A reminder, warning or disconnection notice as PDF bytes and its page count."""
    t = texts(notice.locale)
    titles = {
        "reminder": t.gettext("Payment reminder"),
        "warning": t.gettext("Payment warning"),
        "disconnection_notice": t.gettext("Notice of disconnection"),
    }
    title = titles[notice.stage]
    page = Page(f"{title} {notice.account_id} {notice.period}", notice.notice_date, t.locale.language, utility.name)
    header(page, t, utility, title)
    page.text(MARGIN, notice.customer_name, 11, bold=True)
    page.y -= 13
    page.text(MARGIN, notice.service_address, 9)
    page.y -= 12
    page.text(MARGIN, f"{t.gettext('Account')} {notice.account_id}", 9, color=GREY)
    page.y -= 28
    overdue = t.money(notice.overdue_amount, notice.currency)
    body = [
        t.gettext("Our records show {amount} overdue since {date} ({days} days).").format(
            amount=overdue, date=t.date(notice.oldest_due_date), days=notice.days_past_due
        ),
        t.gettext("Please pay it by {date}.").format(date=t.date(notice.pay_by)),
    ]
    if notice.stage == "disconnection_notice" and notice.disconnection_from:
        body.append(
            t.gettext("If it is not paid, your supply may be disconnected from {date}.").format(
                date=t.date(notice.disconnection_from)
            )
        )
    body.append(t.gettext("If you have paid in the meantime, please disregard this notice."))
    for sentence in body:
        page.text(MARGIN, sentence, 10, bold=sentence == body[-2] and notice.stage == "disconnection_notice")
        page.y -= 16
    page.y -= 10
    pairs(page, MARGIN, [(t.gettext("Notice date"), t.date(notice.notice_date)), (t.gettext("Overdue"), overdue)])
    return page.finish(), page.pages
