"""A Modbus TCP meter simulator for tests and the demo: pymodbus servers on loopback whose devices
(SimDevice/SimData) advance their registers with time, with switches to make a meter misbehave.

Each server is a gateway with up to 247 devices (unit ids 1..247), like an RS485 line behind a
Modbus TCP gateway. Registers are computed when read, from the meter's start value, its rate and
the time since the simulator started (`speedup` compresses hours into seconds for demos).
"""

from __future__ import annotations

import asyncio
import csv
import functools
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from ingestion.amr import WORDS, Endpoint, RegisterMap, load_register_maps

UNITS_PER_GATEWAY = 247
MODES = ("ok", "timeout", "exception", "garbage", "rollover")


@dataclass
class SimMeter:
    meter_id: str
    register_map: str
    start_value: float = 1000.0
    rate_per_hour: float = 1.5
    mode: str = "ok"  # ok | timeout | exception | garbage | rollover
    rollover_at: float = 100000.0  # the register wraps here in "rollover" mode (starts just below it)
    unit_id: int = 0
    port: int = 0
    extra: dict[str, float] = field(
        default_factory=lambda: {
            "voltage_l1_v": 230.1,
            "current_l1_a": 4.2,
            "total_power_w": 967.0,
            "flow_l_per_h": 120.0,
        }
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MeterSimulator:
    """Serves `meters` on loopback; `endpoints()` gives the registry entries that point at them."""

    def __init__(
        self,
        meters: list[SimMeter],
        speedup: float = 1.0,
        host: str = "127.0.0.1",
        maps: dict[str, RegisterMap] | None = None,
    ) -> None:
        self.meters, self.speedup, self.host = meters, speedup, host
        self.maps = maps or load_register_maps()
        self.function_codes: set[int] = set()  # every request's function code, to prove the poller only reads
        self.started = time.monotonic()
        self.servers: list[ModbusTcpServer] = []
        for index, meter in enumerate(meters):
            meter.unit_id = index % UNITS_PER_GATEWAY + 1
        self.gateways = [meters[i : i + UNITS_PER_GATEWAY] for i in range(0, len(meters), UNITS_PER_GATEWAY)]

    def value(self, meter: SimMeter) -> float:
        hours = (time.monotonic() - self.started) * self.speedup / 3600
        value = meter.start_value + meter.rate_per_hour * hours
        if meter.mode == "rollover":
            value = (meter.rollover_at - 0.5 + meter.rate_per_hour * max(hours, 1.0)) % meter.rollover_at
        return value

    def registers_for(self, meter: SimMeter, register_map: RegisterMap) -> dict[int, list[int]]:
        words = {}
        for register in register_map.registers:
            raw = (self.value(meter) if register.reading else meter.extra.get(register.name, 0.0)) / register.scale
            if meter.mode == "garbage" and register.reading:  # all bits set: NaN or the counter's maximum
                raw = float("nan") if register.type == "float32" else 2 ** (16 * WORDS[register.type]) - 1
            data_type = getattr(AsyncModbusTcpClient.DATATYPE, register.type.upper())
            value = raw if register.type == "float32" else round(raw) % (2 ** (16 * WORDS[register.type]))
            words[register.address] = AsyncModbusTcpClient.convert_to_registers(
                value, data_type, word_order=register_map.word_order
            )
        return words

    async def action(
        self,
        meter: SimMeter,
        function_code: int,
        start_address: int,
        address: int,
        count: int,
        registers: list[int],
        set_values: list | None,
    ) -> ExcCodes | None:
        self.function_codes.add(function_code)
        if set_values is not None:
            return ExcCodes.ILLEGAL_FUNCTION  # meters are read-only
        if meter.mode == "timeout":
            await asyncio.sleep(3600)
        if meter.mode == "exception":
            return ExcCodes.DEVICE_FAILURE
        register_map = self.maps[meter.register_map]
        for first, words in self.registers_for(meter, register_map).items():
            registers[first - start_address : first - start_address + len(words)] = words
        return None

    def device(self, meter: SimMeter) -> SimDevice:
        register_map = self.maps[meter.register_map]
        size = max(r.address + WORDS[r.type] for r in register_map.registers)
        return SimDevice(
            id=meter.unit_id,
            simdata=[SimData(address=0, count=size, values=0, datatype=DataType.REGISTERS)],
            action=functools.partial(self.action, meter),
        )

    async def start(self) -> None:
        for gateway in self.gateways:
            port = free_port()
            for meter in gateway:
                meter.port = port
            server = ModbusTcpServer([self.device(m) for m in gateway], address=(self.host, port))
            await server.serve_forever(background=True)
            self.servers.append(server)

    async def stop(self) -> None:
        for server in self.servers:
            await server.shutdown()

    def endpoints(self) -> list[Endpoint]:
        return [Endpoint(m.meter_id, self.host, m.port, m.unit_id, m.register_map) for m in self.meters]

    async def __aenter__(self) -> MeterSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


class SimulatorThread:
    """Runs a MeterSimulator on its own event loop in a background thread (for the CLI and the demo)."""

    def __init__(self, meters: list[SimMeter], speedup: float = 1.0) -> None:
        self.simulator = MeterSimulator(meters, speedup)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="amr-simulator", daemon=True)

    def __enter__(self) -> MeterSimulator:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.simulator.start(), self.loop).result(timeout=30)
        return self.simulator

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.shutdown(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()

    async def shutdown(self) -> None:
        """Stop the servers and cancel requests still being answered (a simulated timeout sleeps)."""
        await self.simulator.stop()
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


FLEET_FILE = "meters/amr_fleet.csv"


def fleet_from_registry(
    conn: psycopg.Connection, count: int, misbehaving: tuple[str, ...] = ("timeout", "garbage")
) -> tuple[list[SimMeter], list[tuple]]:
    """SimMeters for `count` installed electricity (kWh) and water (m3) meters of the registry, starting at
    their last landed reading; the last ones misbehave as listed. Also returns their registry rows."""
    rows = conn.execute(
        """select distinct on (m.meter_id) m.meter_id, m.service_point_id, m.installed_on, m.removed_on, m.multiplier,
                  m.register_digits, m.unit,
                  (select max(r.reading) from raw.readings r where r.meter_id = m.meter_id) as last_reading
           from raw.meters m join raw.load_ledger f on f.file_id = m._file_id
           where f.superseded_by is null and m.removed_on is null and m.unit in ('kWh', 'm3')
           order by m.meter_id, m.installed_on desc
           limit %s""",
        (count,),
    ).fetchall()
    meters = []
    for index, row in enumerate(rows):
        mode = misbehaving[index - (len(rows) - len(misbehaving))] if index >= len(rows) - len(misbehaving) else "ok"
        electricity = row[6] == "kWh"
        meters.append(
            SimMeter(
                row[0],
                "eastron_sdm630" if electricity else "water_uint32_scaled",
                start_value=float(row[7] or 0) + 0.5,
                rate_per_hour=1.2 if electricity else 0.02,
                mode=mode,
            )
        )
    return meters, [row[:7] for row in rows]


def write_fleet_registry(landing: Path, simulator: MeterSimulator, registry_rows: list[tuple]) -> Path:
    """A meters file giving the simulated meters their Modbus address (a later file wins by meter and install)."""
    endpoints = {e.meter_id: e for e in simulator.endpoints()}
    path = landing / FLEET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "meter_id",
                "service_point_id",
                "installed_on",
                "removed_on",
                "multiplier",
                "register_digits",
                "unit",
                "modbus_host",
                "modbus_port",
                "modbus_unit_id",
                "register_map",
            ]
        )
        for row in registry_rows:
            endpoint = endpoints[row[0]]
            writer.writerow(
                [
                    *("" if v is None else v for v in row),
                    endpoint.host,
                    endpoint.port,
                    endpoint.unit_id,
                    endpoint.register_map,
                ]
            )
    return path
