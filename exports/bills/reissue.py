"""A past bill on request: rendered again from the period's rows (frozen once the period is closed)."""

from __future__ import annotations

import dataclasses

import psycopg

from core import db
from exports.bills.load import BillsError, load_bills, utility_from_policy
from exports.bills.render import render_bill


def bill_pdf(invoice_id: str, copy: bool = True, url: str | None = None, policy: dict | None = None) -> bytes:
    """The PDF of an issued invoice, marked "copy" unless copy=False (then byte-identical to the batch's).

    Raises BillsError when the invoice does not exist or was not issued (held, carried forward).
    """
    with psycopg.connect(url or db.database_url()) as conn:
        found = conn.execute(
            "select period, status from marts.fct_invoices where invoice_id = %s", (invoice_id,)
        ).fetchone()
        if found is None:
            raise BillsError(f"no invoice {invoice_id} in marts.fct_invoices")
        period, status = found
        if status != "issued":
            raise BillsError(f"invoice {invoice_id} was not issued (status {status}): there is no bill to reissue")
        bills = load_bills(conn, period, [invoice_id])
    bill = dataclasses.replace(bills[0], is_copy=copy)
    return render_bill(bill, utility_from_policy(policy))[0]
