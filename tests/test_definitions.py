"""The Dagster Definitions load, with every source, the dbt models, their checks, jobs and sensor."""

import json

import dagster as dg

from dagster_project.assets.billing import closed_periods_markdown
from dagster_project.definitions import defs
from dagster_project.manifest import manifest_path
from dagster_project.partitions import billing_periods
from dagster_project.period_metadata import annotate_period_events


def test_definitions_load_with_sources_models_and_checks() -> None:
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    for table in (
        "accounts",
        "service_points",
        "meters",
        "contracts",
        "tariff_versions",
        "tariff_blocks",
        "readings",
        "interval_readings",
        "payments",
    ):
        assert f"raw/{table}" in keys
    assert {"staging/stg_cis__accounts", "marts/dim_accounts", "marts/dim_tariffs"} <= keys
    assert any(check.name == "unique_dim_accounts_account_id" for check in defs.resolve_asset_graph().asset_check_keys)
    assert {"ingest_landing", "build_reference_models"} <= {job.name for job in defs.resolve_all_job_defs()}
    assert defs.resolve_sensor_def("landing_sensor")


def test_every_asset_has_a_description() -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable and key.path[0] == "raw":
            assert node.description, key


def test_billing_periods_are_calendar_months() -> None:
    assert isinstance(billing_periods, dg.MonthlyPartitionsDefinition)
    assert billing_periods.get_first_partition_key() == "2024-01"


def test_dbt_assets_are_grouped_by_domain() -> None:
    graph = defs.resolve_asset_graph()
    group = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert group["staging/stg_cis__accounts"] == group["marts/dim_accounts"] == "reference"
    assert group["marts/fct_usage"] == "usage"
    assert group["marts/fct_invoices"] == group["marts/fct_invoice_lines"] == "billing"
    assert group["marts/fct_payments"] == "receivables"
    assert group["marts/fct_gl_journal"] == "ledger"
    assert not {"staging", "intermediate", "marts"} & set(group.values())


def test_every_mart_column_is_described() -> None:
    """Every column of every mart (dbt/models/marts) has a description in the parsed manifest.

    A finance reader sees these words in Dagster's column schema; an undescribed column fails here
    with its model and name.
    """
    manifest = json.loads(manifest_path().read_text())
    marts = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
    ]
    assert len(marts) >= 25
    undescribed = [
        f"{node['name']}.{column['name']}"
        for node in marts
        for column in node["columns"].values()
        if not column.get("description", "").strip()
    ]
    assert all(node["columns"] for node in marts), [node["name"] for node in marts if not node["columns"]]
    assert not undescribed, undescribed


def test_period_events_carry_the_period_its_row_count_and_closed() -> None:
    """annotate_period_events on one dbt Output, one check result and one other event of period 2024-03.

    The counter is asked for (schema, alias) from the manifest node the Output's unique_id names and
    answers 7 rows; a view (counter answers None) gets no row count.
    """
    nodes = {
        "model.m2c.fct_invoices": {"schema": "marts", "alias": "fct_invoices", "name": "fct_invoices"},
        "model.m2c.int_view": {"schema": "intermediate", "alias": "int_view", "name": "int_view"},
    }
    asked: list[tuple[str, str]] = []

    def count_rows(schema: str, table: str) -> int | None:
        asked.append((schema, table))
        return 7 if table == "fct_invoices" else None

    events = [
        dg.Output(None, output_name="marts_fct_invoices", metadata={"unique_id": "model.m2c.fct_invoices"}),
        dg.Output(None, output_name="int_view", metadata={"unique_id": "model.m2c.int_view"}),
        dg.AssetCheckResult(
            asset_key=["marts", "fct_invoices"], check_name="unique_x", passed=True, description="Unique x."
        ),
        "log line",
    ]
    table, view, check, other = annotate_period_events(
        events, period="2024-03", closed=True, nodes=nodes, count_rows=count_rows
    )
    assert asked == [("marts", "fct_invoices"), ("intermediate", "int_view")]
    assert table.metadata["dagster/row_count"].value == 7
    assert table.metadata["period"].value == "2024-03"
    assert table.metadata["period_closed"].value is True
    assert table.metadata["unique_id"].value == "model.m2c.fct_invoices"
    assert "dagster/row_count" not in view.metadata
    assert check.description == "Period 2024-03 (closed): Unique x."
    assert check.metadata["period"].value == "2024-03"
    assert check.passed and check.check_name == "unique_x"
    assert other == "log line"


def test_closed_periods_are_listed_newest_first() -> None:
    """The period close materialisation lists every closed period."""
    assert closed_periods_markdown(["2024-01", "2024-02"]) == "- 2024-02 (closed)\n- 2024-01 (closed)"
    assert closed_periods_markdown([]) == "none"
