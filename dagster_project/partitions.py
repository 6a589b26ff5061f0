import dagster as dg

from core.periods import first_period

# Billing periods are calendar months; the first one is configurable for utilities with older history.
billing_periods = dg.MonthlyPartitionsDefinition(start_date=f"{first_period()}-01")

# Each period carries its state (last reads, estimates, unissued bills) from the one before, so
# periods are billed one per run, in order.
ONE_PERIOD_PER_RUN = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)
