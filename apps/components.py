"""Small building blocks: tables with worded headers, charts with their data downloadable, money, periods."""

from __future__ import annotations

import io
from decimal import Decimal
from itertools import accumulate

import pandas as pd
import streamlit as st

CENT = Decimal("0.01")

# Words for column names the marts share; any other column is worded from its name (`open_amount` -> "Open").
WORDS = {
    "account_id": "Account",
    "billing_account_id": "Billed on account",
    "customer_name": "Customer",
    "customer_class": "Customer class",
    "invoice_id": "Invoice",
    "payment_id": "Payment",
    "meter_id": "Meter",
    "service_point_id": "Service point",
    "anomaly_id": "Anomaly",
    "read_at": "Read at",
    "paid_on": "Paid on",
    "moved_on": "Date",
    "ar_amount": "Receivable change",
    "balance": "Balance",
    "days_past_due": "Days past due",
    "oldest_overdue_due_date": "Oldest overdue item due",
    "review_reason": "Review reason",
    "has_estimated_lines": "Estimated lines",
    "is_estimated": "Estimated",
    "usage_units": "Usage",
    "write_off_decision": "Write-off decision",
    "decided": "Decision waiting for the next run",
    "period_amount": "This period's charges",
    "average_amount": "Average of the last 6",
    "last_year_amount": "Same month last year",
    "balance_amount": "Balance",
    "last_payment_on": "Last payment",
    "unapplied_amount": "Unapplied",
}
MONEY_WORDS = ("amount", "balance", "price", "revenue", "collected", "charge", "total", "open", "overdue")


def words(column: str) -> str:
    """A column name in words: `total_amount` -> "Total", `due_date` -> "Due date"."""
    if column in WORDS:
        return WORDS[column]
    text = column.removesuffix("_amount").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def is_money(column: str, values: pd.Series) -> bool:
    """A money column: a Decimal (numeric) column whose name says amount, balance, price, … (not a quantity)."""
    numeric = values.map(lambda v: isinstance(v, Decimal | float | int) and not isinstance(v, bool)).any()
    quantity = "unit" in column.replace("unit_price", "")
    return bool(numeric) and any(word in column for word in MONEY_WORDS) and not quantity


def is_text(values: pd.Series) -> bool:
    """A text column (object or pandas string dtype) whose non-empty cells are all strings."""
    textual = values.dtype == object or pd.api.types.is_string_dtype(values.dtype)
    return bool(textual) and bool(values.dropna().map(lambda v: isinstance(v, str)).all())


def money_column(label: str, currency: str) -> object:
    """Money with two decimals and the currency: the column stays numeric (sorting, downloads)."""
    return st.column_config.NumberColumn(label, format=f"%.2f {currency}".strip())


def column_kind(column: str, values: pd.Series) -> str:
    """How a column is shown: money, text, quantity (other Decimals), flag (booleans) or other."""
    if is_money(column, values):
        return "money"
    if is_text(values):
        return "text"
    if values.map(lambda v: isinstance(v, Decimal)).any():
        return "quantity"
    if values.map(lambda v: isinstance(v, bool)).any():
        return "flag"
    return "other"


# A cell of a column with gaps, as text: (value, currency) -> str.
CELL_TEXT = {
    "money": lambda v, currency: money(v, currency),
    "quantity": lambda v, _: f"{Decimal(str(v)):f}",
    "other": lambda v, _: str(v),  # dates, timestamps
}


def cells_as_text(values: pd.Series, write, currency: str) -> pd.Series:
    """Each cell written as text, a missing one as ''."""
    return values.map(lambda v: "" if v is None or pd.isna(v) else write(v, currency)).astype(object)


def show_table(frame: pd.DataFrame, currency: str | None = None, key: str | None = None) -> None:
    """A table with worded headers, money as `1234.50 EUR`, empty cells empty (never "None")."""
    if currency is None and "currency" in frame and frame["currency"].notna().any():
        currency = str(frame["currency"].dropna().iloc[0])
    currency = currency or ""
    shown = frame.drop(columns=["currency"]) if currency and "currency" in frame else frame.copy()
    config: dict[str, object] = {}
    for column in shown.columns:
        values, label = shown[column], words(column)
        kind = column_kind(column, values)
        if kind == "text":
            shown[column] = values.map(lambda v: v if isinstance(v, str) else "").astype(object)  # empty, not "None"
            config[column] = st.column_config.Column(label)
        elif kind in CELL_TEXT and values.isna().any():
            # Streamlit draws a missing number or date as "None": a column with gaps is shown as text.
            shown[column] = cells_as_text(values, CELL_TEXT[kind], currency)
            config[column] = st.column_config.TextColumn(label, alignment=None if kind == "other" else "right")
        elif kind == "money":
            shown[column] = values.map(lambda v: Decimal(str(v)).quantize(CENT))
            config[column] = money_column(label, currency)
        elif kind == "quantity":
            config[column] = st.column_config.NumberColumn(label)
        else:
            config[column] = st.column_config.Column(label)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key=key)


def downloads(frame: pd.DataFrame, name: str) -> None:
    """CSV and Excel downloads of the data behind a chart or table; Excel cells hold numbers, not text."""
    left, right = st.columns(2)
    left.download_button("Data (CSV)", frame.to_csv(index=False).encode(), f"{name}.csv", "text/csv", key=f"csv_{name}")
    right.download_button(
        "Data (Excel)",
        excel_bytes(frame, name),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
    )


def excel_bytes(frame: pd.DataFrame, name: str) -> bytes:
    """The frame as an .xlsx sheet with worded headers; Decimal cells are written as numbers, not text."""
    out = frame.copy()
    out.columns = [words(c) for c in out.columns]
    buffer = io.BytesIO()
    out.to_excel(buffer, index=False, sheet_name=name[:31])
    return buffer.getvalue()


def chart(figure, frame: pd.DataFrame, name: str) -> None:
    """A plotly chart and its data's downloads; periods (YYYY-MM) on an x axis stay labels, not dates."""
    if "period" in frame.columns and all(getattr(trace, "orientation", None) != "h" for trace in figure.data):
        figure.update_xaxes(type="category", categoryorder="category ascending")
    st.plotly_chart(figure, width="stretch", key=f"chart_{name}")
    downloads(frame, name)


def money(value: object, currency: str = "") -> str:
    """`1,234.50 EUR`: exactly two decimals, computed in Decimal; an empty value is "–"."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return f"{Decimal(str(value)).quantize(CENT):,.2f} {currency}".strip()


def running_balance(amounts: pd.Series) -> list[Decimal]:
    """The balance after each amount: exact Decimal sums, two decimals (never a float's 0.30000000000000004)."""
    return [total.quantize(CENT) for total in accumulate(Decimal(str(a)) for a in amounts)]


def shift(period: str, months: int) -> str:
    year, month = map(int, period.split("-"))
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
