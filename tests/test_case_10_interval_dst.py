"""Case 10: 30-minute interval data across the DST fall-back of 29 October 2023 (Europe/Paris), three
spellings of the same instants: M101 with offsets, M102 in local wall time with the repeated hour
written twice, M103 in UTC (`Z`). See tests/cases/10-interval-dst-fall-back/README.md."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.cases import CaseRun, run_case

METERS = ("M101", "M102", "M103")


@pytest.fixture(scope="module")
def run(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> CaseRun:
    from tests.conftest import create_database

    home = tmp_path_factory.mktemp("case10")
    url = create_database(server_url, "case_10_interval_dst")
    return run_case("10-interval-dst-fall-back", "2023-10", url, home, base_readings=False, first_period="2023-09")


def test_every_read_keeps_its_instant(run: CaseRun) -> None:
    """29 Oct 2023 in Paris lasts 25 hours (CEST +02:00 until 03:00, then CET +01:00): 1500 minutes,
    50 half-hours. Each meter's 50 reads load (none rejected) at 50 distinct instants, from 28 Oct
    22:30Z (00:30+02:00) to 29 Oct 23:00Z (30 Oct 00:00+01:00)."""
    rows = run.rows(
        """select meter_id, count(*), count(distinct read_instant),
                  (min(read_instant) at time zone 'UTC')::text, (max(read_instant) at time zone 'UTC')::text
           from raw.interval_readings group by 1 order by 1"""
    )
    assert [(m, n, d) for m, n, d, _, _ in rows] == [(m, 50, 50) for m in METERS]
    assert {(lo, hi) for *_, lo, hi in rows} == {("2023-10-28 22:30:00", "2023-10-29 23:00:00")}
    assert run.scalar("select count(*) from raw.rejects") == 0


def test_the_repeated_wall_hour_is_told_apart_by_order(run: CaseRun) -> None:
    """M102 writes 02:00 twice without offset: the first (6000.300) is 02:00 CEST = 00:00Z, the second
    (6000.437) 02:00 CET = 01:00Z. Both keep local read_at 02:00; M101's +02:00/+01:00 and M103's Z
    give the same instants."""
    rows = run.rows(
        """select meter_id, read_at::text, (read_instant at time zone 'UTC')::text, reading from raw.interval_readings
           where read_at = '2023-10-29 02:00' order by meter_id, read_instant"""
    )
    assert rows == [
        ("M101", "2023-10-29 02:00:00", "2023-10-29 00:00:00", Decimal("5000.300")),
        ("M101", "2023-10-29 02:00:00", "2023-10-29 01:00:00", Decimal("5000.437")),
        ("M102", "2023-10-29 02:00:00", "2023-10-29 00:00:00", Decimal("6000.300")),
        ("M102", "2023-10-29 02:00:00", "2023-10-29 01:00:00", Decimal("6000.437")),
        ("M103", "2023-10-29 02:00:00", "2023-10-29 00:00:00", Decimal("7000.300")),
        ("M103", "2023-10-29 02:00:00", "2023-10-29 01:00:00", Decimal("7000.437")),
    ]


def test_the_25_hour_day_has_50_half_hours(run: CaseRun) -> None:
    """1500 minutes / 30 = 50 expected intervals; each meter's reads close 50 that day (the read at
    30 Oct 00:00 closes 29 Oct's last one), so the day is complete."""
    rows = run.rows(
        """select meter_id, interval_on::text, intervals, interval_minutes, day_minutes, expected_intervals, is_complete
           from intermediate.int_interval_days where period = '2023-10' order by 1, 2"""
    )
    assert rows == [(m, "2023-10-29", 50, 30, 1500, 50, True) for m in METERS]


def test_october_usage_and_billed_kwh_are_4_724_without_negative(run: CaseRun) -> None:
    """Each register goes from the 30 Sep read (5000 / 6000 / 7000) to 5004.724 / 6004.724 / 7004.724
    at 30 Oct 00:00+01:00, never going down in instant order: 4.724 kWh each, all billed (energy lines
    of 4.724 kWh x 0.20 = 0.94 EUR); no NEGATIVE or DUPLICATE flag."""
    usage = run.rows("select service_point_id, usage_units from marts.fct_usage where period = '2023-10' order by 1")
    assert usage == [(sp, Decimal("4.724")) for sp in ("SP101", "SP102", "SP103")]
    billed = run.rows(
        """select service_point_id, sum(quantity), sum(amount) from marts.fct_invoice_lines
           where period = '2023-10' and line_type = 'energy' group by 1 order by 1"""
    )
    assert billed == [(sp, Decimal("4.724"), Decimal("0.94")) for sp in ("SP101", "SP102", "SP103")]
    flags = run.rows("select flag, meter_id, reason from marts.exc_reading_anomalies where period = '2023-10'")
    assert [f for f in flags if f[0] in ("NEGATIVE", "DUPLICATE", "ROLLOVER")] == []
