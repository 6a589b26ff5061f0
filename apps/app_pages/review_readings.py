"""Reading anomalies (VEE flags): accept, replace, estimate instead, or exclude a read."""

import plotly.express as px
import streamlit as st

from apps import data, identity, review
from apps.components import chart
from core import vocabularies

ACTIONS = {
    "accept": "Accept the read as it is",
    "replace": "Replace the reading",
    "estimate": "Estimate instead of this read",
    "exclude": "Exclude the read",
}

st.title("Reading anomalies")
identity.reviewer()
period = review.queue_period("exc_reading_anomalies")
if period is None:
    st.info("No anomalies.")
    st.stop()
flags = st.multiselect(
    "Flags",
    list(vocabularies.vee_flags()),
    key="anomaly_flags",
    placeholder="All flags",
)
queue = data.query(
    """select anomaly_id, flag, meter_id, service_point_id, read_at, reading, units, reason
       from marts.exc_reading_anomalies
       where period = :period and decision is null
         and (cardinality(cast(:flags as text[])) = 0 or flag = any(cast(:flags as text[])))
       order by flag, meter_id, read_at""",
    {"period": period, "flags": flags},
)
st.caption(f"{len(queue):,} anomalies waiting for a decision in {period}.")
if queue.empty:
    st.success("Nothing to review.")
    st.stop()
row = review.pick(queue.drop(columns="anomaly_id"), "anomaly_pick", "Anomaly")
st.markdown(f"**{row['flag']}** on meter `{row['meter_id']}`: {row['reason']}")

history = data.numeric(
    data.query(
        """select period, usage_units, is_estimated, read_type, interval_to
           from marts.fct_usage where service_point_id = :service_point order by period desc limit 12""",
        {"service_point": row["service_point_id"]},
    )
)
if not history.empty:
    chart(
        px.bar(
            history.sort_values("period"),
            x="period",
            y="usage_units",
            color="is_estimated",
            title=f"Recent usage of {row['service_point_id']}",
        ),
        history,
        f"history_{row['service_point_id']}",
    )

if row["read_at"] is None or str(row["read_at"]) in ("NaT", "None"):
    st.info("This flag is about a period without a read to decide on: land a read (or a correction) instead.")
    st.stop()
with st.form("reading_decision"):
    action = st.radio("Decision", list(ACTIONS), format_func=ACTIONS.get, key="reading_action")
    new_reading = st.number_input(
        "New reading (for Replace)", min_value=0.0, value=None, step=1.0, format="%.3f", key="reading_value"
    )
    reason = st.text_input("Reason", key="reading_reason")
    submitted = st.form_submit_button("Save decision")
if submitted:
    if action == "replace" and (new_reading is None or new_reading < 0):
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
        )
