"""The vocabularies (dbt/seeds/*.csv) are the one list the models, ingestion, the apps and the exports read."""

from __future__ import annotations

import re

import yaml

from core import settings, vocabularies
from devtools import currencies
from exports import period, sheets, workbook
from ingestion import specs


def test_currencies_and_their_minor_units_come_from_the_seed() -> None:
    """The seed is ISO 4217's list (D88): KRW and JPY whole, HUF 2 decimals as ISO has it, BHD 3."""
    minor_units = vocabularies.currency_minor_units()
    assert minor_units["EUR"] == 2 and minor_units["KRW"] == 0 and minor_units["HUF"] == 2
    assert minor_units["CNY"] == 2 and minor_units["RUB"] == 2 and minor_units["BHD"] == 3
    assert "XXX" not in minor_units and "XAU" not in minor_units  # no minor unit: not billable money
    assert tuple(minor_units) == specs.CURRENCIES
    assert {"KRW", "JPY", "CLP"} <= set(workbook.NO_DECIMALS) and "EUR" not in workbook.NO_DECIMALS
    assert "when 'KRW' then 0" in period.DECIMALS and "when 'EUR' then 2" in period.DECIMALS


def test_the_currency_seed_is_the_iso_4217_package_list() -> None:
    """dbt/seeds/currencies.csv is what devtools/currencies.py writes from the iso-4217 package."""
    seed = [(code, units) for code, units in vocabularies.currency_minor_units().items()]
    assert seed == [(code, units) for code, _name, units in currencies.iso_4217_currencies()]
    assert len(seed) > 150


def test_aging_buckets_cover_every_day_once_in_report_order() -> None:
    """current = up to 0 days past due; 1-30, …, 181-365; 365+ from day 366 on."""
    buckets = vocabularies.aging_buckets()
    assert sheets.BUCKETS == ("current", "1-30", "31-60", "61-90", "91-180", "181-365", "365+")

    def bucket_of(days: int) -> list[str]:
        return [
            b.name
            for b in buckets
            if (b.from_days is None or days >= b.from_days) and (b.to_days is None or days <= b.to_days)
        ]

    assert {days: bucket_of(days) for days in (-5, 0, 1, 30, 31, 365, 366, 4000)} == {
        -5: ["current"],
        0: ["current"],
        1: ["1-30"],
        30: ["1-30"],
        31: ["31-60"],
        365: ["181-365"],
        366: ["365+"],
        4000: ["365+"],
    }
    assert [b.column for b in buckets][1::5] == ["bucket_1_30_amount", "bucket_365_plus_amount"]


def test_dunning_stages_follow_the_policy_thresholds() -> None:
    """Mildest first by dunning_days: reminder 15 < warning 30 < notice 60 < disconnection 90 < write-off 365."""
    assert vocabularies.dunning_stages() == (
        "reminder",
        "warning",
        "disconnection_notice",
        "disconnection",
        "write_off_candidate",
    )
    assert vocabularies.dunning_stages({"dunning_days": {"b": 20, "a": 10}}) == ("a", "b")


def test_vee_flags_and_gl_account_names() -> None:
    assert set(vocabularies.vee_flags()) == {
        "DUPLICATE", "FUTURE", "ORPHAN", "SUSPECT", "NEGATIVE", "ROLLOVER", "SPIKE", "ZERO", "MISSING"
    }  # fmt: skip
    assert vocabularies.gl_account_names()["accounts_receivable"] == "Accounts receivable"


def test_models_with_a_column_per_bucket_or_stage_match_the_vocabularies() -> None:
    """agg_receivables_monthly's contract has a column per aging bucket and per dunning stage."""
    macro = (settings.DBT_PROJECT_DIR / "macros" / "aging_bucket_names.sql").read_text()
    assert re.findall(r"'([^']+)'", macro.split("return(")[1]) == list(sheets.BUCKETS)
    marts = yaml.safe_load(
        (settings.DBT_PROJECT_DIR / "models" / "marts" / "receivables" / "_receivables.yml").read_text()
    )
    model = next(m for m in marts["models"] if m["name"] == "agg_receivables_monthly")
    columns = {column["name"] for column in model["columns"]}
    assert {b.column for b in vocabularies.aging_buckets()} <= columns
    assert {f"{stage}_accounts" for stage in vocabularies.dunning_stages()} <= columns
