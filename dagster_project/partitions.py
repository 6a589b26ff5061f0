import os

import dagster as dg

# Billing periods are calendar months; the first one is configurable for utilities with older history.
FIRST_PERIOD = os.environ.get("M2C_FIRST_PERIOD", "2024-01")

billing_periods = dg.MonthlyPartitionsDefinition(start_date=f"{FIRST_PERIOD}-01")

# Each period carries its state (last reads, estimates, unissued bills) from the one before, so
# periods are billed one per run, in order.
ONE_PERIOD_PER_RUN = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)
