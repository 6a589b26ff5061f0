"""AMR over Modbus TCP against the simulator: decoding, failing meters recorded with reasons, read-only,
and a Dagster poll whose reads go through the ordinary loader."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import psycopg
from pymodbus.client import AsyncModbusTcpClient

from devtools.amr_simulator import MeterSimulator, SimMeter, SimulatorThread, fleet_from_registry, write_fleet_registry
from devtools.generator import generate
from ingestion.amr import Endpoint, Register, decode, load_register_maps, poll_all
from tests.helpers import run_job

# 12345.5 as IEEE 754 float32 is 0x4640E600; 512,345 litres as uint32 is 0x0007D159.
FLOAT_12345_5 = [0x4640, 0xE600]
UINT_512345 = [0x0007, 0xD159]


def test_register_decoding_of_known_values() -> None:
    energy = Register("total_import_kwh", 0x48, "float32", reading=True)
    volume = Register("volume_m3", 0, "uint32", scale=0.001, reading=True)
    client = AsyncModbusTcpClient
    assert decode(client, FLOAT_12345_5, energy, "big") == 12345.5
    assert decode(client, list(reversed(FLOAT_12345_5)), energy, "little") == 12345.5
    assert round(decode(client, UINT_512345, volume, "big"), 3) == 512.345
    assert round(decode(client, list(reversed(UINT_512345)), volume, "little"), 3) == 512.345
    maps = load_register_maps()
    assert maps["eastron_sdm630"].reading_register.address == 0x48
    assert maps["eastron_sdm630"].function == "input" and maps["water_uint32_scaled"].function == "holding"


def test_poll_reads_healthy_meters_and_records_every_failure() -> None:
    meters = [
        SimMeter("E1", "eastron_sdm630", start_value=12345.5, rate_per_hour=0),
        SimMeter("W1", "water_uint32_scaled", start_value=512.345, rate_per_hour=0),
        SimMeter("T1", "eastron_sdm630", mode="timeout"),
        SimMeter("X1", "eastron_sdm630", mode="exception"),
        SimMeter("G1", "eastron_sdm630", mode="garbage"),
        SimMeter("G2", "water_uint32_scaled", mode="garbage"),
        SimMeter("R1", "water_uint32_scaled", mode="rollover", rate_per_hour=1.5, rollover_at=100000),
    ]

    async def scenario() -> tuple[dict, set[int], bool]:
        async with MeterSimulator(meters) as simulator:
            endpoints = simulator.endpoints() + [
                Endpoint("N1", "127.0.0.1", 9, 1, "eastron_sdm630"),  # nothing listens: refused
                Endpoint("U1", "127.0.0.1", meters[0].port, 1, "no_such_map"),
            ]
            results = await poll_all(endpoints, timeout=0.5, retries=1)
            client = AsyncModbusTcpClient("127.0.0.1", port=meters[0].port)
            await client.connect()
            write = await client.write_register(0x48, 1, device_id=meters[0].unit_id)
            client.close()
            return {r.meter_id: r for r in results}, set(simulator.function_codes) - {6}, write.isError()

    results, codes, write_refused = asyncio.run(scenario())
    assert results["E1"].status == "ok" and results["E1"].reading == Decimal("12345.50")
    assert round(results["E1"].values["voltage_l1_v"], 1) == 230.1
    assert results["W1"].status == "ok" and results["W1"].reading == Decimal("512.345")
    assert results["R1"].status == "ok" and results["R1"].reading == Decimal("1.000")  # wrapped past 99,999.999
    assert results["T1"].reason == "no response within 0.5s (TimeoutError)" and results["T1"].attempts == 2
    assert results["X1"].reason == "exception response 4 reading voltage_l1_v" and results["X1"].attempts == 1
    assert results["G1"].reason == "implausible value nan kWh"
    assert results["G2"].reason == "implausible value 4294967.295 m3"
    assert results["N1"].reason == "cannot connect to 127.0.0.1:9 (refused or unreachable)"
    assert results["U1"].reason == "unknown register map 'no_such_map'"
    assert codes == {3, 4}, "the poller only sends read requests"
    assert write_refused, "simulated meters refuse writes"


def test_word_order_is_configurable(tmp_path: Path) -> None:
    maps_file = tmp_path / "maps.yaml"
    maps_file.write_text(
        "swapped:\n  description: little-endian word order\n  function: holding\n  word_order: little\n"
        "  unit: m3\n  decimals: 3\n  plausible: {min: 0, max: 99999}\n"
        "  registers:\n    volume_m3: {address: 0x10, type: uint32, scale: 0.001, reading: true}\n"
    )
    maps = load_register_maps(maps_file)

    async def scenario():
        meter = SimMeter("L1", "swapped", start_value=512.345, rate_per_hour=0)
        async with MeterSimulator([meter], maps=maps) as simulator:
            client = AsyncModbusTcpClient("127.0.0.1", port=meter.port)
            await client.connect()
            raw = await client.read_holding_registers(0x10, count=2, device_id=meter.unit_id)
            client.close()
            return raw.registers, await poll_all(simulator.endpoints(), maps=maps)

    registers, [result] = asyncio.run(scenario())
    assert registers == list(reversed(UINT_512345))  # low word first on the wire
    assert result.reading == Decimal("512.345")


def test_poll_job_lands_reads_through_the_loader(fresh_db: str, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    generate(landing, accounts=20, months=1, seed=4, interval_meters=0)
    assert run_job("ingest_landing", fresh_db, landing=landing)
    with psycopg.connect(fresh_db) as conn:
        meters, registry = fleet_from_registry(conn, 5)
    with SimulatorThread(meters) as simulator:
        write_fleet_registry(landing, simulator, registry)
        assert run_job("ingest_landing", fresh_db, landing=landing)  # the registry now names the Modbus addresses
        assert run_job("poll_meters", fresh_db, landing=landing)
    with psycopg.connect(fresh_db) as conn:
        amr_reads = conn.execute(
            """select r.meter_id, f.folder from raw.readings r join raw.load_ledger f on f.file_id = r._file_id
               where f.folder = 'readings/amr' and r.source = 'amr' order by 1"""
        ).fetchall()
        polls = dict(conn.execute("select meter_id, coalesce(reason, status) from raw.amr_polls").fetchall())
    healthy = sorted(m.meter_id for m in meters if m.mode == "ok")
    assert [meter for meter, _ in amr_reads] == healthy and len(healthy) == 3
    failed = {m.meter_id: m.mode for m in meters if m.mode != "ok"}
    assert polls[next(k for k, v in failed.items() if v == "timeout")].startswith("no response within")
    assert polls[next(k for k, v in failed.items() if v == "garbage")].startswith("implausible value")
