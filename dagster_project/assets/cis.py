"""Customer information system exports: accounts, service points, meters, contracts."""

import dagster as dg

from dagster_project.assets.landing import ingest_folder
from dagster_project.resources import Database, Landing, Policy

GROUP = "cis"


@dg.asset(key=["raw", "accounts"], group_name=GROUP, kinds={"postgres", "csv"})
def accounts(context: dg.AssetExecutionContext, database: Database, landing: Landing, policy: Policy):
    """Billing accounts landed in accounts/, loaded into raw.accounts."""
    yield from ingest_folder(context, database, landing, policy, "accounts")


@dg.asset(key=["raw", "service_points"], group_name=GROUP, kinds={"postgres", "csv"})
def service_points(context: dg.AssetExecutionContext, database: Database, landing: Landing, policy: Policy):
    """Premises (incl. apartment buildings and sub-meters) landed in service_points/."""
    yield from ingest_folder(context, database, landing, policy, "service_points")


@dg.asset(key=["raw", "meters"], group_name=GROUP, kinds={"postgres", "csv"})
def meters(context: dg.AssetExecutionContext, database: Database, landing: Landing, policy: Policy):
    """Meter installs and removals landed in meters/."""
    yield from ingest_folder(context, database, landing, policy, "meters")


@dg.asset(key=["raw", "contracts"], group_name=GROUP, kinds={"postgres", "csv"})
def contracts(context: dg.AssetExecutionContext, database: Database, landing: Landing, policy: Policy):
    """Contracts binding accounts to service points and tariffs, landed in contracts/."""
    yield from ingest_folder(context, database, landing, policy, "contracts")
