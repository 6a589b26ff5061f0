"""The pipeline through Dagster: ingest, then dbt builds its layers against that database."""

from __future__ import annotations

from pathlib import Path

from devtools.generator import generate
from tests.helpers import run_job, scalar


def test_ingest_then_dbt_build(fresh_db: str, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    generate(landing, accounts=80, months=3, seed=5, interval_meters=1)
    assert run_job("ingest_landing", fresh_db, landing=landing)
    assert run_job("build_reference_models", fresh_db)
    accounts = scalar(fresh_db, "select count(distinct account_id) from raw.accounts")
    assert scalar(fresh_db, "select count(*) from marts.dim_accounts") == accounts >= 80
    assert (
        scalar(
            fresh_db, "select count(*) from marts.dim_tariffs where tariff_code = 'RES-E1' and effective_to is not null"
        )
        == 1
    )
    assert scalar(fresh_db, "select count(*) from marts.fct_landed_files where load_status = 'loaded'") > 10
    # A second ingest of the same folder changes nothing.
    before = scalar(fresh_db, "select count(*) from raw.readings")
    assert run_job("ingest_landing", fresh_db, landing=landing)
    assert scalar(fresh_db, "select count(*) from raw.readings") == before
