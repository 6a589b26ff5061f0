"""Money received: camt.053 bank statements and counter/card payment files."""

import dagster as dg

from dagster_project.assets.landing import ingest_folder
from dagster_project.resources import Database, Landing, Policy


@dg.asset(key=["raw", "payments"], group_name="bank", kinds={"postgres", "xml", "csv"})
def payments(context: dg.AssetExecutionContext, database: Database, landing: Landing, policy: Policy):
    """Payments and reversals from camt.053 statements and CSVs landed in payments/."""
    yield from ingest_folder(context, database, landing, policy, "payments")
