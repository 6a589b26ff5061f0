"""Register readings from reading rounds, portals, spreadsheets and AMI interval exports."""

import dagster as dg

from dagster_project.assets.landing import ingest_folder
from dagster_project.resources import Database, Landing, Policy

GROUP = "meter_reads"


@dg.asset(key=["raw", "readings"], group_name=GROUP, kinds={"postgres", "csv", "xlsx"})
def readings(context: dg.AssetExecutionContext, database: Database, landing: Landing, policy: Policy):
    """Cumulative register readings landed in readings/ (CSV and xlsx) and AMR exports in readings/amr/."""
    yield from ingest_folder(context, database, landing, policy, "readings", "readings/amr")


@dg.asset(key=["raw", "interval_readings"], group_name=GROUP, kinds={"postgres", "csv"})
def interval_readings(context: dg.AssetExecutionContext, database: Database, landing: Landing, policy: Policy):
    """15/30/60-minute AMI register readings landed in readings/interval/."""
    yield from ingest_folder(context, database, landing, policy, "readings/interval")
