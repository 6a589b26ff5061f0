"""Translated strings and locale formatting for bills (Babel, gettext catalogs compiled at run time).

The catalogs are `locales/<lang>/LC_MESSAGES/bills.po` (GNU gettext PO); English is the message ids
themselves. Money follows CLDR for the locale and ISO 4217 minor units for the currency (KRW has none),
dates CLDR's medium format of the locale. Nothing is downloaded.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_precision
from babel.support import Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "bills"
SUPPORTED = ("en", "ko")


class Texts:
    """One locale's strings and formats: `t.gettext("Amount due")`, `t.money(Decimal("12.5"), "EUR")`."""

    def __init__(self, locale: str) -> None:
        try:
            self.locale = Locale.parse(locale)
        except (ValueError, UnknownLocaleError) as exc:
            raise ValueError(f"bills: unknown locale {locale!r} (supported: {', '.join(SUPPORTED)})") from exc
        self.translations = catalog(self.locale.language)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def money(self, amount: Decimal, currency: str) -> str:
        """The amount rounded to the currency's minor unit, e.g. €1,234.50 (en), ₩12,340 (ko)."""
        return formatted(self.locale, "money", str(amount), currency)

    def number(self, value: Decimal | None, digits: int | None = None) -> str:
        if value is None:
            return ""
        return formatted(self.locale, "number", str(value), digits)

    def percent(self, rate: Decimal) -> str:
        """A rate as a percentage, e.g. 0.015 -> 1.5%."""
        return formatted(self.locale, "percent", str(rate), None)

    def date(self, value: dt.date | None) -> str:
        return formatted(self.locale, "date", value.isoformat(), None) if value else ""

    def amount(self, amount: Decimal, currency: str) -> str:
        """The amount without the currency sign, to the currency's minor unit (for table columns)."""
        return self.number(amount, get_currency_precision(currency))


@lru_cache(maxsize=16_384)
def formatted(locale: Locale, kind: str, value: str, option: str | int | None) -> str:
    """A value formatted by Babel, remembered: a bill formats ~40 values and many repeat from bill to bill
    (dates, prices, quantities), and Babel's pattern formatting was a tenth of a bill's CPU time.

    kind is money (option: the ISO 4217 currency), number (option: fixed fraction digits or None for the
    value's own), percent or date (value in ISO 8601). The value is the Decimal's or date's text, so 1.0 and
    1.00, or 0 and -0, are not taken for each other."""
    if kind == "money":
        return format_currency(Decimal(value), str(option), locale=locale, currency_digits=True)
    if kind == "number" and option is not None:
        digits = int(option)
        return format_decimal(Decimal(value), format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=locale)
    if kind == "number":
        return format_decimal(Decimal(value), locale=locale, decimal_quantization=False)
    if kind == "percent":
        return format_percent(Decimal(value), format="#,##0.###%", locale=locale, decimal_quantization=False)
    return format_date(dt.date.fromisoformat(value), format="medium", locale=locale)


@lru_cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language; the message ids themselves when there is none (English)."""
    po_file = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_file.exists():
        return gettext.NullTranslations()
    with po_file.open("rb") as po:
        messages = read_po(po, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@lru_cache
def texts(locale: str) -> Texts:
    return Texts(locale)
