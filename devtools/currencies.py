"""Write the `currencies` seed (dbt/seeds/currencies.csv) from ISO 4217 itself.

The seed is the one list the loader, the models, the exports and the apps read (core/vocabularies.py,
D53); its rows come from the ISO 4217 maintenance agency's list one as the `iso-4217` package ships it:
every currency in use today (not funds, precious metals or testing codes, which have no minor unit)
with its minor unit. Run `python -m devtools.currencies` after upgrading the package;
tests/test_vocabularies.py fails while the seed and the package disagree.
"""

from __future__ import annotations

import csv
from pathlib import Path

from iso_4217 import Currency

from core import settings

SEED = settings.DBT_PROJECT_DIR / "seeds" / "currencies.csv"


def iso_4217_currencies() -> list[tuple[str, str, int]]:
    """(code, name, minor-unit decimals) of every ISO 4217 currency in use, by code.

    Funds (e.g. CLF, USN), precious metals and special codes (XAU, XDR, XXX) have no minor unit in
    ISO 4217 ("N.A.") and are not money a tariff can be billed in, so they are left out.
    """
    rows = [
        (c.name, c.value, c.subunit_exp) for c in Currency if c.entities and not c.is_fund and c.subunit_exp is not None
    ]
    return sorted(rows)


def write_seed(path: Path = SEED) -> int:
    """Write the seed (currency_code, currency_name, minor_unit); return the number of currencies."""
    rows = iso_4217_currencies()
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["currency_code", "currency_name", "minor_unit"])
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    print(f"{write_seed()} currencies written to {SEED}")
