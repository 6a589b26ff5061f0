"""dbt models (staging -> intermediate -> marts) as assets; dbt tests become asset checks."""

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from dagster_project.assets.billing import BILLING_INPUTS
from dagster_project.manifest import manifest_path
from dagster_project.partitions import ONE_PERIOD_PER_RUN, billing_periods
from dagster_project.resources import Database, Policy
from m2c import db
from m2c.control import ensure_control_schemas

BILLING_TAG = "billing_period"
# dbt unit tests run in the test suite (tests/test_dbt_unit.py), not in production runs.
BUILD_FLAGS = ["--exclude-resource-type", "unit_test"]


class LayerTranslator(DagsterDbtTranslator):
    """Groups models by layer; billing models also wait for the period's data-quality gate."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest.get("nodes", {}).get(unique_id, {})
        if node.get("resource_type") == "model" and BILLING_TAG in node.get("tags", []):
            spec = spec.merge_attributes(deps=[BILLING_INPUTS])
        return spec

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return fqn[1]
        return super().get_group_name(dbt_resource_props)


def prepare_database(database: Database) -> None:
    """Export the connection for dbt's profile and create the control tables dbt reads as sources."""
    url = database.resolved_url()
    with db.connect(url) as conn:
        ensure_control_schemas(conn)
    db.export_dbt_env(url)


@dbt_assets(
    manifest=manifest_path(),
    exclude=f"tag:{BILLING_TAG}",
    dagster_dbt_translator=LayerTranslator(),
    name="dbt_reference_models",
)
def dbt_reference_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, database: Database, policy: Policy):
    """Staging views, current-version models and dimension marts, rebuilt from raw."""
    prepare_database(database)
    variables = {"policy": policy.load()}
    yield from dbt.cli(["build", *BUILD_FLAGS, "--vars", json.dumps(variables)], context=context).stream()


@dbt_assets(
    manifest=manifest_path(),
    select=f"tag:{BILLING_TAG}",
    partitions_def=billing_periods,
    backfill_policy=ONE_PERIOD_PER_RUN,
    dagster_dbt_translator=LayerTranslator(),
    name="dbt_billing_models",
)
def dbt_billing_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, database: Database, policy: Policy):
    """Usage, VEE, charges and invoices of one billing period (the partition, passed as --vars period)."""
    prepare_database(database)
    variables = {"period": context.partition_key[:7], "policy": policy.load()}
    yield from dbt.cli(["build", *BUILD_FLAGS, "--vars", json.dumps(variables)], context=context).stream()
