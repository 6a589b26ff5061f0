"""exports.bills.batch.email_message: the bill's e-mail, as the email package's plain API writes it (no database)."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from email.message import EmailMessage

from exports.bills.batch import email_message
from tests.bill_samples import UTILITY, eur_bill, krw_bill


def plain_message(bill, pdf: bytes) -> bytes:
    """The same message through EmailMessage's default policy, add_attachment and bytes(): the reference."""
    message = EmailMessage()
    built = email.message_from_bytes(email_message(bill, UTILITY, pdf), policy=email.policy.default)
    for name in ("From", "To", "Subject", "Date", "Message-ID"):
        message[name] = built[name]
    message.set_content(built.get_body(("plain",)).get_content())
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{bill.invoice_id}.pdf")
    message.set_boundary(f"=_bill_{bill.invoice_id}")
    return bytes(message)


def test_the_message_is_the_email_packages_own_and_carries_the_pdf() -> None:
    """A 1,000-byte attachment is 1000 / 57 = 17 full base64 lines of 76 characters and one of 31 bytes
    (ceil(31 / 3) x 4 = 44 characters): 18 lines. A Korean name is RFC 2047-encoded in To."""
    pdf = bytes(range(256)) * 3 + b"%PDF" * 58  # 768 + 232 = 1,000 bytes
    korean = dataclasses.replace(krw_bill(), email="minjun@example.kr")
    for bill in (eur_bill(), korean):
        raw = email_message(bill, UTILITY, pdf)
        assert raw == plain_message(bill, pdf)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        (attachment,) = parsed.iter_attachments()
        assert attachment.get_content() == pdf
        assert attachment.get_filename() == f"{bill.invoice_id}.pdf"
        body = raw.split(b"Content-Disposition: attachment", 1)[1].split(b"\n\n", 1)[1].split(b"\n--", 1)[0]
        lines = body.strip().split(b"\n")
        assert [len(line) for line in lines] == [76] * 17 + [44]
    assert b"To: =?utf-8?" in email_message(korean, UTILITY, pdf).split(b"\nSubject:")[0]
