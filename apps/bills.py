"""The account page's bill viewer: any issued invoice's bill as the customer got it, previewed and downloadable.

The PDF is rendered again from the marts (exports.bills.reissue, frozen rows once the period is closed) and
marked "copy"; the preview is its first page as an image (pypdfium2).
"""

from __future__ import annotations

import io

import pandas as pd
import pypdfium2 as pdfium
import streamlit as st

from exports.bills.load import BillsError
from exports.bills.reissue import bill_pdf


@st.cache_data(ttl=60, show_spinner=False)
def reissued(invoice_id: str) -> bytes:
    return bill_pdf(invoice_id, copy=True)


def first_page_png(pdf: bytes, scale: float = 1.4) -> bytes:
    """The PDF's first page as PNG bytes (A4 at 1.4 x 72 dpi: 833 x 1179 pixels)."""
    image = pdfium.PdfDocument(pdf)[0].render(scale=scale).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def bill_viewer(invoices: pd.DataFrame) -> None:
    """A picker of the account's issued invoices, the chosen bill's preview and a PDF download."""
    issued = invoices[invoices["status"] == "issued"]["invoice_id"].tolist()
    st.subheader("Bills")
    if not issued:
        st.info("No issued invoice yet: there is no bill to show.")
        return
    invoice_id = st.selectbox("Bill", issued, key="account_bill")
    try:
        pdf = reissued(invoice_id)
    except BillsError as exc:
        st.warning(str(exc))
        return
    st.download_button(
        "Download the bill (PDF, marked copy)", pdf, f"{invoice_id}_copy.pdf", "application/pdf", key="bill_pdf"
    )
    st.image(first_page_png(pdf), caption=f"{invoice_id}, page 1 (copy)", width=640)
