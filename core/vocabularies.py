"""The product's fixed vocabularies, read from dbt's seeds (dbt/seeds/*.csv) so that the models, the apps
and the exports share one list: currencies with their minor units, aging buckets, VEE flags and the names
and types of the GL accounts (their codes are the operator's, in the policy). Dunning stages and their
thresholds are the policy's `dunning_days`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from typing import Any

from core import policy, settings

SEEDS_DIR = settings.DBT_PROJECT_DIR / "seeds"


def _rows(seed: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / f"{seed}.csv").open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@cache
def currency_minor_units() -> dict[str, int]:
    """ISO 4217 code -> minor-unit decimals of every currency a tariff may use (seed `currencies`)."""
    return {row["currency_code"]: int(row["minor_unit"]) for row in _rows("currencies")}


@dataclass(frozen=True)
class AgingBucket:
    """An aging bucket: items `from_days`..`to_days` days past due (None: unbounded on that side)."""

    name: str
    from_days: int | None
    to_days: int | None

    @property
    def column(self) -> str:
        """Its column in agg_receivables_monthly: 1-30 -> bucket_1_30_amount, 365+ -> bucket_365_plus_amount."""
        return f"bucket_{self.name.replace('-', '_').replace('+', '_plus')}_amount"


@cache
def aging_buckets() -> tuple[AgingBucket, ...]:
    """The aging buckets in report order (seed `aging_buckets`), e.g. current, 1-30, …, 365+."""
    rows = sorted(_rows("aging_buckets"), key=lambda row: int(row["sort_order"]))
    return tuple(
        AgingBucket(row["aging_bucket"], _int_or_none(row["from_days_past_due"]), _int_or_none(row["to_days_past_due"]))
        for row in rows
    )


@cache
def vee_flags() -> tuple[str, ...]:
    """The VEE flags a read or a meter-period can carry (seed `vee_flags`), in review order."""
    return tuple(row["flag"] for row in _rows("vee_flags"))


@cache
def gl_account_names() -> dict[str, str]:
    """GL account key (as in the policy's gl_accounts) -> account name (seed `gl_accounts`)."""
    return {row["account_key"]: row["account_name"] for row in _rows("gl_accounts")}


def dunning_stages(operator_policy: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The dunning stages, mildest first: the keys of the policy's dunning_days by their threshold in days."""
    days = (operator_policy or policy.load())["dunning_days"]
    return tuple(sorted(days, key=days.get))


def _int_or_none(value: str) -> int | None:
    return int(value) if value else None
