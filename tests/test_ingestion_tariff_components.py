"""The tariff workbook's components (landing-formats.md, billing-rules section 9): the `charges` sheet or
CSV and the new columns of versions, blocks and service points, with the same rejects as every sheet."""

from __future__ import annotations

from pathlib import Path

import psycopg

from ingestion.loader import ingest_landing
from tests.test_ingestion import file_rejects, rejects, workbook, write

VERSIONS = [
    ["tariff_code", "service", "effective_from", "vat_rate", "currency", "rounding", "total_rounding_unit",
     "block_basis", "persons_included", "norm_basis", "norm_units"],
    ["KEPCO-RES", "electricity", "2025-07-01", 0.1, "KRW", "down", 10, "month", None, None, None],
    ["BJ-W", "water", "2025-01-01", 0.09, "cny", None, None, "year", 5, None, None],
    ["RU-W", "water", "2025-01-01", 0, "RUB", None, None, None, None, "resident", 4.85],
    ["BAD-V", "water", "2025-01-01", 0, "EUR", "ceiling", 0, "week", -1, "flat", None],
]  # fmt: skip
BLOCKS = [
    ["tariff_code", "effective_from", "block_no", "from_units", "to_units", "unit_price", "bound_per_extra_person"],
    ["BJ-W", "2025-01-01", 1, 0, 180, 5, 30],
    ["BJ-W", "2025-01-01", 2, 180, None, 7, "x"],
]
CHARGES = [
    ["tariff_code", "effective_from", "charge_code", "description", "basis", "rate", "units_factor", "vat",
     "rounding", "rounding_unit"],
    ["KEPCO-RES", "2025-07-01", "climate", "Climate-environment charge", "units", 9, None, None, None, None],
    ["KEPCO-RES", "2025-07-01", "fund", "Power industry fund", "percent", 0.027, None, "false", "down", 10],
    ["KEPCO-RES", "2025-07-01", "fund", "Power industry fund again", "percent", 0.027, None, "false", None, None],
    ["KEPCO-RES", "2024-07-01", "climate", "Climate-environment charge", "units", 9, None, None, None, None],
    ["NOPE", "2025-07-01", "climate", "Climate-environment charge", "units", 9, None, None, None, None],
    ["BJ-W", "2025-01-01", "sewage", "Sewage fee", "units", 1.36, 0.9, "FALSE", None, None],
    ["BJ-W", "2025-01-01", "standing", "", "month", 3, None, "yes", "up", 0],
]  # fmt: skip


def test_the_charges_sheet_and_the_new_columns_load_with_their_rejects(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    """Rows 2-4 of versions load (CNY in lower case is CNY); every bad value of row 5 is named. Charges:
    row 4 repeats row 3's key, rows 5-6 price no version that landed (a version of another date, an
    unknown tariff), row 8 has four faults."""
    land = tmp_path / "landing"
    workbook(land / "tariffs" / "book.xlsx", {"versions": VERSIONS, "blocks": BLOCKS, "charges": CHARGES})
    ingest_landing(conn, land)

    assert rejects(conn, "tariff_versions") == {
        5: 'rounding "ceiling" is not one of: half_up, down; total_rounding_unit 0 must be > 0; '
        'block_basis "week" is not one of: month, year; persons_included -1 must be ≥ 0; '
        'norm_basis "flat" is not one of: resident, area',
    }
    assert rejects(conn, "tariff_blocks") == {
        3: 'bound_per_extra_person "x" is not a decimal number (use . for decimals)'
    }
    assert rejects(conn, "tariff_charges") == {
        4: "duplicate tariff_code, effective_from, charge_code: the same as row 3",
        5: "KEPCO-RES 2024-07-01 is not a tariff version (versions sheet)",
        6: "NOPE 2025-07-01 is not a tariff version (versions sheet)",
        8: 'description is missing; vat "yes" is not one of: true, false; rounding "up" is not one of: '
        "half_up, down; rounding_unit 0 must be > 0",
    }
    versions = conn.execute(
        """select tariff_code, currency, rounding, total_rounding_unit, block_basis, persons_included,
                  norm_basis, norm_units from raw.tariff_versions order by tariff_code"""
    ).fetchall()
    assert [tuple(str(v) if v is not None else None for v in row) for row in versions] == [
        ("BJ-W", "CNY", "half_up", None, "year", "5", None, None),
        ("KEPCO-RES", "KRW", "down", "10", "month", None, None, None),
        ("RU-W", "RUB", "half_up", None, "month", None, "resident", "4.85"),
    ]
    charges = conn.execute(
        "select charge_code, basis, rate, units_factor, vat, rounding, rounding_unit from raw.tariff_charges"
        " order by charge_code"
    ).fetchall()
    assert [tuple(str(v) if v is not None else None for v in row) for row in charges] == [
        ("climate", "units", "9", "1", "true", None, None),
        ("fund", "percent", "0.027", "1", "false", "down", "10"),
        ("sewage", "units", "1.36", "0.9", "false", None, None),
    ]


def test_charges_csv_loads_after_the_versions_csv_it_refers_to(conn: psycopg.Connection, tmp_path: Path) -> None:
    """`charges.csv` sorts before `versions.csv` by name; the versions load first, so its charge is known."""
    land = tmp_path / "landing"
    write(land / "tariffs" / "charges.csv", "tariff_code,effective_from,charge_code,description,basis,rate\n"
          "W1,2025-01-01,ww,Wastewater standing charge,month,4.5\n")  # fmt: skip
    write(land / "tariffs" / "versions.csv", "tariff_code,service,effective_from,currency\nW1,water,2025-01-01,EUR\n")
    write(land / "service_points" / "sp.csv", "service_point_id,service,residents\nSP1,water,6\nSP2,water,-1\n")
    results = ingest_landing(conn, land)
    assert [(r.file_name, r.status) for r in results] == [
        ("sp.csv", "loaded"),
        ("versions.csv", "loaded"),
        ("charges.csv", "loaded"),
    ]
    assert conn.execute("select count(*) from raw.tariff_charges").fetchone() == (1,)
    assert file_rejects(conn, "sp.csv") == {3: "residents -1 must be ≥ 0"}
