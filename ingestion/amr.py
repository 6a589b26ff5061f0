"""AMR over Modbus TCP: register maps as data, a concurrent read-only poller, and landing its results.

Successful reads become a readings file under landing/readings/amr/ (source `amr`) loaded by the
ordinary loader (ledger, rejects); every poll, failed or not, is logged in raw.amr_polls with its reason.
The poller only ever sends read requests (function codes 0x03 and 0x04).
"""

from __future__ import annotations

import asyncio
import csv
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import psycopg
import yaml
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

REGISTER_MAPS = Path(__file__).with_name("register_maps.yaml")
WORDS = {"float32": 2, "uint32": 2, "int32": 2, "uint16": 1}
AMR_FOLDER = "readings/amr"

POLL_LOG = """
create table if not exists raw.amr_polls (
  poll_id bigserial primary key,
  run_started_at timestamptz not null,
  meter_id text not null,
  polled_at timestamptz not null,
  status text not null check (status in ('ok', 'failed')),
  reading numeric,
  reason text,
  attempts integer not null,
  duration_ms integer not null,
  values jsonb
);
create index if not exists amr_polls_meter on raw.amr_polls (meter_id, polled_at);
"""


@dataclass(frozen=True)
class Register:
    name: str
    address: int
    type: str
    scale: float = 1.0
    reading: bool = False


@dataclass(frozen=True)
class RegisterMap:
    name: str
    function: str
    word_order: str
    unit: str
    decimals: int
    plausible_min: float
    plausible_max: float
    registers: tuple[Register, ...]

    @property
    def reading_register(self) -> Register:
        return next(r for r in self.registers if r.reading)


def load_register_maps(path: Path = REGISTER_MAPS) -> dict[str, RegisterMap]:
    maps = {}
    for name, spec in yaml.safe_load(path.read_text()).items():
        registers = tuple(
            Register(key, int(r["address"]), r["type"], float(r.get("scale", 1)), bool(r.get("reading", False)))
            for key, r in spec["registers"].items()
        )
        if sum(r.reading for r in registers) != 1 or any(r.type not in WORDS for r in registers):
            raise ValueError(f"register map {name}: needs exactly one reading register and known types")
        if spec["function"] not in ("input", "holding") or spec["word_order"] not in ("big", "little"):
            raise ValueError(f"register map {name}: function must be input|holding, word_order big|little")
        maps[name] = RegisterMap(
            name,
            spec["function"],
            spec["word_order"],
            spec["unit"],
            int(spec["decimals"]),
            float(spec["plausible"]["min"]),
            float(spec["plausible"]["max"]),
            registers,
        )
    return maps


@dataclass(frozen=True)
class Endpoint:
    meter_id: str
    host: str
    port: int
    unit_id: int
    register_map: str


@dataclass
class PollResult:
    meter_id: str
    polled_at: datetime
    status: str
    reading: Decimal | None = None
    reason: str | None = None
    attempts: int = 1
    duration_ms: int = 0
    values: dict[str, float] = field(default_factory=dict)


class PollFailure(Exception):
    """A read that failed for a reason worth recording; `retry` if trying again may help."""

    def __init__(self, reason: str, retry: bool) -> None:
        super().__init__(reason)
        self.retry = retry


def decode(client_class: type, registers: list[int], register: Register, word_order: str) -> float:
    data_type = getattr(client_class.DATATYPE, register.type.upper())
    return client_class.convert_from_registers(registers, data_type, word_order=word_order) * register.scale


async def read_meter(endpoint: Endpoint, register_map: RegisterMap, timeout: float) -> dict[str, float]:
    client = AsyncModbusTcpClient(endpoint.host, port=endpoint.port, timeout=timeout, retries=0)
    try:
        try:
            connected = await asyncio.wait_for(client.connect(), timeout)
        except TimeoutError:
            connected = False
        if not connected:
            raise PollFailure(f"cannot connect to {endpoint.host}:{endpoint.port} (refused or unreachable)", True)
        read = client.read_input_registers if register_map.function == "input" else client.read_holding_registers
        values = {}
        for register in register_map.registers:
            try:
                response = await asyncio.wait_for(
                    read(register.address, count=WORDS[register.type], device_id=endpoint.unit_id), timeout
                )
            except (TimeoutError, ModbusException) as exc:
                raise PollFailure(f"no response within {timeout:g}s ({type(exc).__name__})", True) from exc
            if response.isError():
                code = getattr(response, "exception_code", None)
                raise PollFailure(f"exception response {code} reading {register.name}", False)
            values[register.name] = decode(AsyncModbusTcpClient, response.registers, register, register_map.word_order)
        return values
    finally:
        client.close()


async def poll_meter(endpoint: Endpoint, maps: dict[str, RegisterMap], timeout: float, retries: int) -> PollResult:
    started = time.perf_counter()
    polled_at = datetime.now(UTC).replace(microsecond=0)
    register_map = maps.get(endpoint.register_map)
    if register_map is None:
        return PollResult(
            endpoint.meter_id, polled_at, "failed", reason=f"unknown register map {endpoint.register_map!r}"
        )
    attempt = 0
    while True:
        attempt += 1
        try:
            values = await read_meter(endpoint, register_map, timeout)
            break
        except PollFailure as failure:
            if not failure.retry or attempt > retries:
                elapsed = int((time.perf_counter() - started) * 1000)
                return PollResult(
                    endpoint.meter_id, polled_at, "failed", reason=str(failure), attempts=attempt, duration_ms=elapsed
                )
            await asyncio.sleep(0.05 * attempt)
    elapsed = int((time.perf_counter() - started) * 1000)
    raw = values[register_map.reading_register.name]
    if not math.isfinite(raw) or not register_map.plausible_min <= raw <= register_map.plausible_max:
        return PollResult(
            endpoint.meter_id,
            polled_at,
            "failed",
            reason=f"implausible value {raw!r} {register_map.unit}",
            attempts=attempt,
            duration_ms=elapsed,
            values=values,
        )
    reading = Decimal(f"{raw:.{register_map.decimals}f}")
    return PollResult(endpoint.meter_id, polled_at, "ok", reading, attempts=attempt, duration_ms=elapsed, values=values)


async def poll_all(
    endpoints: list[Endpoint],
    maps: dict[str, RegisterMap] | None = None,
    timeout: float = 2.0,
    retries: int = 1,
    concurrency: int = 200,
) -> list[PollResult]:
    """Poll every meter concurrently (at most `concurrency` at once); one failing meter never stops the rest."""
    maps = maps or load_register_maps()
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)  # each failure is recorded with its reason instead
    limit = asyncio.Semaphore(concurrency)

    async def one(endpoint: Endpoint) -> PollResult:
        async with limit:
            return await poll_meter(endpoint, maps, timeout, retries)

    return list(await asyncio.gather(*(one(e) for e in endpoints)))


def amr_endpoints(conn: psycopg.Connection) -> list[Endpoint]:
    """Meters in the registry with Modbus settings, currently installed (current file versions)."""
    rows = conn.execute(
        """select distinct on (m.meter_id) m.meter_id, m.modbus_host, m.modbus_port, m.modbus_unit_id, m.register_map
           from raw.meters m join raw.load_ledger f on f.file_id = m._file_id
           where f.superseded_by is null and f.status = 'loaded' and m.modbus_host is not null
             and m.removed_on is null
           order by m.meter_id, m.installed_on desc, m._file_id desc, m._row_no desc"""
    ).fetchall()
    return [Endpoint(*row) for row in rows]


def write_readings_file(results: list[PollResult], landing: Path, stamp: datetime) -> Path | None:
    """The successful reads as a landing readings file (same columns as any readings file)."""
    good = [r for r in results if r.status == "ok"]
    if not good:
        return None
    path = landing / AMR_FOLDER / f"amr_{stamp:%Y%m%dT%H%M%S}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["meter_id", "read_at", "reading", "read_type", "source"])
        for result in sorted(good, key=lambda r: r.meter_id):
            writer.writerow([result.meter_id, result.polled_at.isoformat(), result.reading, "actual", "amr"])
    return path


def log_polls(conn: psycopg.Connection, results: list[PollResult], run_started_at: datetime) -> None:
    conn.execute(POLL_LOG)
    with conn.cursor() as cur:
        cur.executemany(
            """insert into raw.amr_polls (run_started_at, meter_id, polled_at, status, reading, reason, attempts,
                                          duration_ms, values)
               values (%s, %s, %s, %s, %s, %s, %s, %s, %s)""",
            [
                (
                    run_started_at,
                    r.meter_id,
                    r.polled_at,
                    r.status,
                    r.reading,
                    r.reason,
                    r.attempts,
                    r.duration_ms,
                    psycopg.types.json.Jsonb({k: v if math.isfinite(v) else str(v) for k, v in r.values.items()}),
                )
                for r in results
            ],
        )
