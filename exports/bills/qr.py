"""The payment QR code: EPC069-12 ("GiroCode", SEPA credit transfer) drawn by segno.

EPC069-12 version 002: service tag BCD, SCT, the creditor's BIC (optional), name (≤ 70) and IBAN, the amount
in EUR (0.01-999,999,999.99), and either a structured ISO 11649 creditor reference (RF…) or up to 140
characters of unstructured remittance text. Error correction level M, as the standard requires.
"""

from __future__ import annotations

from decimal import Decimal

import segno
from segno.helpers import _make_epc_qr_data  # the validated payload of make_epc_qr

from exports.bills.model import Bill, Utility

# A fixed data mask (ISO/IEC 18004 allows any of the eight): choosing the best by penalty score costs
# 11 ms a bill, three quarters of the QR code's time (D108); decoding is tested (tests/test_bills.py).
MASK = 4


class NoQrCode(Exception):
    """The bill gets no payment QR code; the message says why (shown in the batch report)."""


def epc_qr(bill: Bill, utility: Utility) -> segno.QRCode:
    """The EPC QR code of a EUR bill's amount due, with the payment reference as remittance.

    Raises NoQrCode when the bill is not in EUR, nothing is due, or the policy names no creditor IBAN.
    """
    if bill.currency != "EUR":
        raise NoQrCode(f"{bill.invoice_id}: EPC QR codes are for EUR transfers only, the bill is in {bill.currency}")
    if not utility.iban:
        raise NoQrCode(
            "the policy has no creditor IBAN (policy key creditor: {name, iban, bic}): bills carry no QR code"
        )
    amount = bill.amount_due.quantize(Decimal("0.01"))
    if amount < Decimal("0.01"):
        raise NoQrCode(f"{bill.invoice_id}: nothing is due ({amount} EUR), so there is no transfer to encode")
    return segno.make_qr(epc_payload(bill, utility, amount), error="m", boost_error=False, mask=MASK)


def epc_payload(bill: Bill, utility: Utility, amount: Decimal) -> bytes:
    """The EPC069-12 payload (segno validates the fields): the RF reference as structured remittance,
    any other reference (an invoice number) as unstructured text."""
    structured = bill.payment_reference.upper().startswith("RF")
    return _make_epc_qr_data(
        name=utility.name[:70],
        iban=utility.iban.replace(" ", "") if utility.iban else None,
        amount=amount,
        bic=utility.bic or None,
        reference=bill.payment_reference if structured else None,
        text=None if structured else bill.payment_reference,
    )
