"""Reading anomalies (VEE flags): accept, replace, estimate instead, or exclude a read."""

import pandas as pd
import plotly.express as px
import streamlit as st

from apps import data, identity, review
from apps.components import chart, show_table
from core import vocabularies

ACTIONS = {
    "accept": "Accept the read as it is",
    "replace": "Replace the reading",
    "estimate": "Estimate instead of this read",
    "exclude": "Exclude the read",
}
PENDING = """select action, reviewer, decided_at from review.reading_decisions
             where meter_id = :meter_id and read_at = :read_at order by decided_at desc, decision_id desc limit 1"""


def describe(row: pd.Series) -> str:
    """The picker's words for a row: both values of a DUPLICATE pair differ by their reading."""
    return f"{row['flag']} · {row['meter_id']} · {row['read_at']:%Y-%m-%d %H:%M} · reading {row['reading']}"


def counts(queue: pd.DataFrame) -> tuple[int, int]:
    """(items a reviewer decides on, rows that need a read instead): a DUPLICATE pair is one item, since a
    decision is on the meter's read at that time; a flag without a read (MISSING) cannot be decided here."""
    with_read = queue[queue["read_at"].notna()]
    return len(with_read.drop_duplicates(["flag", "meter_id", "read_at"])), int(queue["read_at"].isna().sum())


def usage_history(service_point_id: str) -> None:
    history = data.numeric(
        data.query(
            """select period, usage_units, is_estimated, read_type, interval_to
               from marts.fct_usage where service_point_id = :service_point order by period desc limit 12""",
            {"service_point": service_point_id},
        )
    )
    if history.empty:
        return
    history["read"] = history["is_estimated"].map({True: "estimated", False: "actual"})
    figure = px.bar(
        history.sort_values("period"),
        x="period",
        y="usage_units",
        color="read",
        title=f"Recent usage of {service_point_id}",
        labels={"period": "Period", "usage_units": "Usage (meter units)", "read": "Read"},
    )
    chart(figure, history, f"history_{service_point_id}")


st.title("Reading anomalies")
identity.reviewer()
period = review.queue_period("exc_reading_anomalies")
if period is None:
    st.info("No anomalies.")
    st.stop()
flags = st.multiselect("Flags", list(vocabularies.vee_flags()), key="anomaly_flags", placeholder="All flags")
queue = data.query(
    """select anomaly_id, flag, meter_id, service_point_id, read_at, reading, units, reason
       from marts.exc_reading_anomalies
       where period = :period and decision is null
         and (cardinality(cast(:flags as text[])) = 0 or flag = any(cast(:flags as text[])))
       order by flag, meter_id, read_at, reading""",
    {"period": period, "flags": flags},
)
items, without_read = counts(queue)
st.caption(
    f"{items:,} anomalies waiting for a decision in {period} (a DUPLICATE pair counts once)"
    + (f"; {without_read:,} flags need a read instead, listed below." if without_read else ".")
)
decidable = queue[queue["read_at"].notna()]
if without_read:
    with st.expander(f"Flags without a read to decide on ({without_read:,}): land a read or a correction"):
        show_table(queue[queue["read_at"].isna()].drop(columns=["anomaly_id"]))
if decidable.empty:
    st.success("Nothing to decide.")
    st.stop()
row = review.pick(decidable, "anomaly_pick", "Anomaly", "anomaly_id", describe, hide=("anomaly_id",))
st.markdown(f"**{row['flag']}** on meter `{row['meter_id']}` at {row['read_at']:%Y-%m-%d %H:%M}: {row['reason']}")
if isinstance(row["service_point_id"], str):  # an ORPHAN meter has no service point to show usage of
    usage_history(row["service_point_id"])
review.warn_pending(review.pending(PENDING, {"meter_id": row["meter_id"], "read_at": row["read_at"].to_pydatetime()}))
with st.form("reading_decision"):
    action = st.radio("Decision", list(ACTIONS), format_func=ACTIONS.get, key="reading_action", index=None)
    new_reading = st.number_input(
        "New reading (for Replace)", min_value=0.0, value=None, step=1.0, format="%.3f", key="reading_value"
    )
    reason = st.text_input("Reason", key="reading_reason")
    submitted = st.form_submit_button("Save decision")
if submitted:
    if action is None:
        st.error("Choose a decision first: none is preselected.")
    elif action == "replace" and (new_reading is None or new_reading < 0):
        st.error("A replaced reading must be a number ≥ 0.")
    else:
        review.save(
            """insert into review.reading_decisions (meter_id, read_at, action, new_reading, reviewer, reason)
               values (:meter_id, :read_at, :action, :new_reading, :reviewer, :reason)""",
            {
                "meter_id": row["meter_id"],
                "read_at": row["read_at"].to_pydatetime(),
                "action": action,
                "new_reading": new_reading if action == "replace" else None,
                "reason": reason,
            },
            f"{ACTIONS[action]} on {row['meter_id']} saved",
            period,
        )
