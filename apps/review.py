"""Shared parts of the review queues: the queue's period, picking a row by its id, and saving a decision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from apps import data, identity
from apps.components import show_table


def queue_period(table: str) -> str | None:
    """The period whose queue is shown: the latest one in the table unless the user picks another."""
    periods = data.query(f"select distinct period from marts.{table} order by period desc")["period"].tolist()
    if not periods:
        return None
    closed = data.closed_periods()
    return st.selectbox(
        "Period",
        periods,
        key=f"period_{table}",
        format_func=lambda p: f"{p} (closed)" if p in closed else p,
    )


def closed_refusal(period: str) -> str | None:
    """Why a decision on `period`'s queue cannot be saved (the period is closed), else None."""
    closed = data.closed_periods()
    if period not in closed:
        return None
    return (
        f"{period} was closed on {closed[period]:%Y-%m-%d}: no billing run changes it again, so a decision here "
        "would never apply. Decide on the same item in an open period's queue (a bill of a closed period is "
        "corrected by a rebill in the open period)."
    )


SHOWN_ROWS = 500


def pick(
    queue: pd.DataFrame,
    key: str,
    label: str,
    id_column: str,
    describe: Callable[[pd.Series], str],
    hide: tuple[str, ...] = (),
) -> pd.Series:
    """Show (the first rows of) the queue and let the reviewer pick one row by its stable id.

    The picker's value is the row's `id_column` value, never a position: after a filter changes, the row
    returned (and so the text, chart and form the page draws from it) is the row the picker names. When
    the picked id has left the queue, the picker falls back to the first row. `hide`: columns not shown.
    """
    if len(queue) > SHOWN_ROWS:
        st.caption(f"Showing the first {SHOWN_ROWS:,}; narrow the queue to see the rest.")
        queue = queue.head(SHOWN_ROWS)
    show_table(queue.drop(columns=list(hide)))
    rows = queue.set_index(queue[id_column].astype(str), drop=False)
    ids = rows.index.tolist()
    if st.session_state.get(key) not in ids:
        st.session_state.pop(key, None)
    picked = st.selectbox(label, ids, format_func=lambda i: describe(rows.loc[i]), key=key)
    return rows.loc[picked]


@dataclass(frozen=True)
class Pending:
    """A decision saved after the queue was built: the next billing run applies it."""

    action: str
    reviewer: str
    decided_at: object

    def notice(self) -> str:
        return (
            f"Decided by {self.reviewer} at {self.decided_at:%Y-%m-%d %H:%M} ({self.action}); "
            "applies on the next run. A new decision replaces it."
        )


def pending(sql: str, params: dict) -> Pending | None:
    """The latest decision on an item (`sql` selects action, reviewer, decided_at, newest first), if any."""
    rows = data.query(sql, params)
    if rows.empty:
        return None
    first = rows.iloc[0]
    return Pending(str(first["action"]), str(first["reviewer"]), first["decided_at"])


def warn_pending(decision: Pending | None) -> None:
    """Tell this (second) reviewer that the row shown already has a decision waiting for the next run."""
    if decision is not None:
        st.warning(decision.notice(), icon=":material/how_to_reg:")


def choice_form(name: str, actions: dict[str, str]) -> tuple[str | None, str, bool]:
    """A decision form: one of `actions` (value -> label, none preselected) and a reason.

    Returns (action, reason, submitted); submitted is False when no action was chosen (the error is shown).
    """
    with st.form(f"{name}_decision"):
        action = st.radio(
            "Decision", list(actions), horizontal=True, key=f"{name}_action", format_func=actions.get, index=None
        )
        reason = st.text_input("Reason", key=f"{name}_reason")
        submitted = st.form_submit_button("Save decision")
    if submitted and action is None:
        st.error("Choose a decision first: none is preselected.")
        submitted = False
    return action, reason, submitted


def save(sql: str, params: dict, done: str, period: str) -> bool:
    """Insert a decision with the reviewer's name; decisions are never updated, the latest one applies.

    Refused (with the reason shown) without a reviewer name, without a reason, or when `period` is closed.
    """
    refusal = closed_refusal(period)
    if refusal:
        st.error(refusal)
        return False
    reviewer = identity.current()
    if not reviewer:
        st.error("Enter your name in the sidebar first: every decision records who made it.")
        return False
    if not str(params.get("reason", "")).strip():
        st.error("Give a reason: it is kept with the decision.")
        return False
    data.execute(sql, {**params, "reviewer": reviewer})
    st.success(f"{done} by {reviewer}. The next billing run applies it.")
    return True
