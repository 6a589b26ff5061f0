"""SEPA direct debit collection files (ISO 20022 pain.008.001.08) for a bill run's invoices (D86).

`collect_period` writes exports/<period>/collections/pain.008-<period>.xml with one transaction per
issued invoice of a direct-debit account: the invoice total in cents, requested for collection on the
invoice's due date, under the account's mandate, with the invoice's ISO 11649 payment reference as
end-to-end id (D83) so the bank's booking and any return name the invoice. Transactions are grouped
into one payment information block per (sequence type, collection date); a mandate's first collection
is FRST, later ones RCUR (billing.direct_debit_collections remembers what earlier periods collected).
The file is built and checked against the official XSD by sepaxml (EPC rulebook, SDD Core).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from core import db, policy, settings
from core.control import ensure_control_schemas

SCHEMA = "pain.008.001.08"
SEPA_CURRENCY = "EUR"

INVOICES = """
select i.invoice_id, i.account_id, i.due_date, i.total_amount, i.currency, i.payment_reference,
       a.customer_name, a.iban, a.mandate_id, a.mandate_signed_on
from marts.fct_invoices as i
join marts.dim_accounts as a on a.account_id = i.account_id
where i.period = %(period)s and i.status = 'issued' and a.payment_method = 'direct_debit'
order by i.due_date, i.invoice_id
"""

COLLECTED_BEFORE = """
select distinct account_id, mandate_id from billing.direct_debit_collections where period < %(period)s
"""


class CollectionError(Exception):
    """The period cannot be collected: the creditor is misconfigured or the period has no invoices."""


@dataclass(frozen=True)
class Collection:
    """One direct debit transaction: amount in the currency's units (Decimal), e.g. Decimal('42.17')."""

    invoice_id: str
    account_id: str
    mandate_id: str
    end_to_end_id: str
    sequence_type: str  # FRST | RCUR
    collection_date: dt.date
    amount: Decimal
    currency: str


@dataclass
class CollectionResult:
    period: str
    path: Path | None  # None when nothing was to be collected (no file is written)
    collections: list[Collection] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (account_id, invoice_id, reason)

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.collections), Decimal(0))


def creditor_config(creditor: dict[str, Any]) -> dict[str, Any]:
    """sepaxml's config from the policy's `creditor` {name, iban, bic, creditor_id}.

    Raises CollectionError naming the key when a value is missing or fails its check: IBAN (ISO
    13616 mod 97-10), BIC (ISO 9362) and the SEPA creditor identifier (EPC AT-02, mod 97-10).
    """
    from stdnum import bic, iban
    from stdnum.eu import at_02
    from stdnum.exceptions import ValidationError

    missing = [key for key in ("name", "iban", "creditor_id") if not creditor.get(key)]
    if missing:
        raise CollectionError(f"policy creditor: missing {', '.join(missing)} (see docs/operations.md)")
    checks = [("iban", iban), ("creditor_id", at_02)] + ([("bic", bic)] if creditor.get("bic") else [])
    for key, module in checks:
        try:
            module.validate(str(creditor[key]))
        except ValidationError as exc:
            raise CollectionError(f"policy creditor.{key} '{creditor[key]}' is not valid: {exc}") from exc
    config = {
        "name": str(creditor["name"]),
        "IBAN": iban.compact(str(creditor["iban"])),
        "batch": True,
        "creditor_id": at_02.compact(str(creditor["creditor_id"])),
        "currency": SEPA_CURRENCY,
    }
    if creditor.get("bic"):
        config["BIC"] = bic.compact(str(creditor["bic"]))
    return config


def skip_reason(row: dict[str, Any]) -> str | None:
    """Why an issued invoice of a direct-debit account cannot be collected, or None (D81)."""
    if row["total_amount"] <= 0:
        return "nothing to collect (the invoice total is not positive)"
    if row["currency"] != SEPA_CURRENCY:
        return f"SEPA direct debits are in EUR; the invoice is in {row['currency']}"
    if not row["mandate_id"] or not row["mandate_signed_on"]:
        return "no SEPA mandate on the account (mandate_id and mandate_signed_on in the accounts file)"
    if not row["iban"]:
        return "no IBAN on the account to debit"
    if row["mandate_signed_on"] > row["due_date"]:
        return f"the mandate was signed on {row['mandate_signed_on']}, after the due date {row['due_date']}"
    return None


def plan_collections(
    rows: list[dict[str, Any]], collected_before: set[tuple[str, str]]
) -> tuple[list[Collection], list[tuple[str, str, str]]]:
    """The period's collections (FRST for a mandate not collected in an earlier period) and the skipped."""
    collections, skipped = [], []
    for row in rows:
        reason = skip_reason(row)
        if reason:
            skipped.append((row["account_id"], row["invoice_id"], reason))
            continue
        first = (row["account_id"], row["mandate_id"]) not in collected_before
        collections.append(
            Collection(
                invoice_id=row["invoice_id"],
                account_id=row["account_id"],
                mandate_id=row["mandate_id"],
                end_to_end_id=row["payment_reference"],
                sequence_type="FRST" if first else "RCUR",
                collection_date=row["due_date"],
                amount=Decimal(row["total_amount"]),
                currency=row["currency"],
            )
        )
    return collections, skipped


def message_id(period: str, now: dt.datetime) -> str:
    """GrpHdr/MsgId of a period's collection file: 'M2C-<period>-<YYYYMMDDHHMMSS>' (24-hour clock;
    sepaxml's own id reads the hour on a 12-hour clock, so 09:00 and 21:00 look alike)."""
    return f"M2C-{period}-{now:%Y%m%d%H%M%S}"


def pain008(
    config: dict[str, Any], rows: dict[str, dict[str, Any]], collections: list[Collection], msg_id: str
) -> bytes:
    """The pain.008.001.08 document, validated against its XSD by sepaxml (raises on an invalid file)."""
    from sepaxml import SepaDD

    document = SepaDD(dict(config), schema=SCHEMA, clean=True)
    for c in collections:
        row = rows[c.invoice_id]
        document.add_payment(
            {
                "name": row["customer_name"],
                "IBAN": row["iban"],
                "amount": int((c.amount * 100).to_integral_value()),  # cents, as sepaxml takes them
                "type": c.sequence_type,
                "collection_date": c.collection_date,
                "mandate_id": c.mandate_id,
                "mandate_date": row["mandate_signed_on"],
                "description": f"Invoice {c.invoice_id} {c.end_to_end_id}",
                "endtoend_id": c.end_to_end_id,
            }
        )
    xml = document.export(validate=True, pretty_print=True)
    # sepaxml writes its own MsgId into the header when the document is made; ours (also Max35Text) replaces it.
    return xml.replace(f"<MsgId>{document.msg_id}</MsgId>".encode(), f"<MsgId>{msg_id}</MsgId>".encode(), 1)


def collect_period(period: str, url: str | None = None, out_dir: Path | None = None) -> CollectionResult:
    """Write the period's pain.008 and record its collections; return what was collected and skipped.

    Raises CollectionError when the period has no invoices (not billed) or the creditor policy is invalid.
    """
    config = creditor_config(policy.load().get("creditor") or {})
    url = url or db.database_url()
    folder = (out_dir or settings.exports_dir()) / period / "collections"
    with psycopg.connect(url) as conn:
        ensure_control_schemas(conn)
        billed = conn.execute("select count(*) from marts.fct_invoices where period = %s", (period,)).fetchone()[0]
        if not billed:
            raise CollectionError(f"period {period} has no invoices: bill it first (m2c run --through {period})")
        cursor = conn.cursor(row_factory=dict_row)
        rows = cursor.execute(INVOICES, {"period": period}).fetchall()
        before = {tuple(r) for r in conn.execute(COLLECTED_BEFORE, {"period": period}).fetchall()}
        collections, skipped = plan_collections(rows, before)
        result = CollectionResult(period, None, collections, skipped)
        if collections:
            msg_id = message_id(period, dt.datetime.now())
            xml = pain008(config, {r["invoice_id"]: r for r in rows}, collections, msg_id)
            folder.mkdir(parents=True, exist_ok=True)
            result.path = folder / f"pain.008-{period}.xml"
            partial = result.path.with_suffix(".xml.partial")
            partial.write_bytes(xml)
            partial.replace(result.path)
        record(conn, period, collections, result.path.name if result.path else "")
    return result


def record(conn: psycopg.Connection, period: str, collections: list[Collection], file_name: str) -> None:
    """Replace the period's rows of billing.direct_debit_collections with this file's collections."""
    with conn.transaction():
        conn.execute("delete from billing.direct_debit_collections where period = %s", (period,))
        with conn.cursor() as cur:
            cur.executemany(
                """insert into billing.direct_debit_collections
                     (period, invoice_id, account_id, mandate_id, end_to_end_id, sequence_type, collection_date,
                      amount, currency, file_name)
                   values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                [
                    (
                        period,
                        c.invoice_id,
                        c.account_id,
                        c.mandate_id,
                        c.end_to_end_id,
                        c.sequence_type,
                        c.collection_date,
                        c.amount,
                        c.currency,
                        file_name,
                    )
                    for c in collections
                ],
            )
