"""Who is reviewing: Streamlit's logged-in user when authentication is configured, else a name asked once."""

from __future__ import annotations

import streamlit as st

# Streamlit drops a widget's state when a page without that widget runs; the name is kept under a key
# of its own (not a widget's), so it lasts for the browser session whatever pages are visited.
KEPT = "reviewer_name"
WIDGET = "reviewer"


def logged_in_user() -> str | None:
    try:
        if st.user.is_logged_in:
            return st.user.get("email") or st.user.get("name")
    except (AttributeError, KeyError):
        return None
    return None


def _keep() -> None:
    st.session_state[KEPT] = (st.session_state.get(WIDGET) or "").strip()


def reviewer() -> str | None:
    """The reviewer's name for decisions; asks for it in the sidebar once per browser session."""
    user = logged_in_user()
    if user:
        return user
    if WIDGET not in st.session_state:
        st.session_state[WIDGET] = st.session_state.get(KEPT, "")
    with st.sidebar:
        st.text_input("Reviewer name", key=WIDGET, on_change=_keep, help="Recorded with every decision you save.")
    _keep()
    return current()


def current() -> str | None:
    """The reviewer identified in this browser session (logged-in user, else the name typed once)."""
    return logged_in_user() or st.session_state.get(KEPT) or None
