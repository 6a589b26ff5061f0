import dagster as dg

from core.periods import first_period, partitions_end

# Billing periods are calendar months; the first one is configurable for utilities with older history.
# They end at the last period with data when it is known (`m2c ui` sets M2C_LAST_PERIOD from the
# readings), not at the last complete calendar month, which can be many empty months after a sample's
# data (D103). A partition key is the period itself, YYYY-MM (D119).
billing_periods = dg.MonthlyPartitionsDefinition(start_date=first_period(), end_date=partitions_end(), fmt="%Y-%m")

# Each period carries its state (last reads, estimates, unissued bills) from the one before, so
# periods are billed one per run, in order.
ONE_PERIOD_PER_RUN = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)
