"""`m2c generate`: a realistic sample utility written as landing files (shared/spec/landing-formats.md).

Deterministic for a seed: every account draws from its own RNG seeded by (seed, account index), so
the output does not depend on chunking, and accounts stream to per-month writers one at a time,
which keeps memory flat up to millions of accounts. Invoice numbers follow the billing models'
format, INV-YYYYMM-<account_id>, so payments can quote them.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import math
import random
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from stdnum.iso7064 import mod_97_10

from core.periods import month_add
from devtools.tariffs import Version, published_variant, tariff_book, tariff_code_for

# The AMI head-end exports its interval reads in Central European time with offsets: the sample's
# interval files cross a clock change (+02:00 -> +01:00 in October, the reverse in March), D59.
HEAD_END_ZONE = ZoneInfo("Europe/Paris")

CLASSES = [("residential", 0.85), ("commercial", 0.10), ("industrial", 0.02), ("public", 0.02), ("agricultural", 0.01)]
DISTRICTS = [
    "Northgate",
    "Riverside",
    "Old Town",
    "Hillcrest",
    "Lakeside",
    "Westfield",
    "Eastbrook",
    "Southport",
    "Millbrook",
    "Greenway",
    "Harbour",
    "Kingsmead",
]
FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Eva",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Karin",
    "Leo",
    "Mila",
    "Noah",
    "Olga",
    "Paul",
    "Rosa",
    "Sven",
    "Tara",
    "Ugo",
    "Vera",
    "Wim",
    "Yara",
    "Zeno",
]
LAST = [
    "Novak",
    "Schmidt",
    "Kowalski",
    "Rossi",
    "Martin",
    "Kim",
    "Lee",
    "Park",
    "Jansen",
    "Horvat",
    "Nagy",
    "Popescu",
    "Dubois",
    "Larsen",
    "Silva",
    "Weber",
    "Moreau",
    "Berg",
    "Costa",
    "Fischer",
]
BUSINESS = ["Bakery", "Garage", "Clinic", "Studio", "Foods", "Logistics", "Print Shop", "Hotel", "Cafe", "Pharmacy"]
STREETS = ["Main St", "Station Rd", "Mill Lane", "Park Ave", "Church St", "High St", "Bridge Rd", "Elm Row"]

# Daily usage in the meter's unit by service and class, and the month-of-year shape per service.
DAILY_BASE = {
    "electricity": {"residential": 9.5, "commercial": 60, "industrial": 900, "public": 120, "agricultural": 80},
    "water": {"residential": 0.35, "commercial": 2.0, "industrial": 12.0, "public": 4.0, "agricultural": 6.0},
    "heat": {"residential": 0.22, "commercial": 1.2, "industrial": 4.0, "public": 2.5, "agricultural": 0.8},
    "gas": {"residential": 2.4, "commercial": 14.0, "industrial": 60.0, "public": 20.0, "agricultural": 10.0},
}
SEASON = {
    "electricity": [1.15, 1.10, 1.0, 0.92, 0.88, 1.05, 1.40, 1.45, 1.0, 0.92, 1.0, 1.12],
    "water": [0.9, 0.9, 0.95, 1.0, 1.1, 1.2, 1.3, 1.3, 1.1, 1.0, 0.92, 0.9],
    "heat": [1.9, 1.7, 1.3, 0.8, 0.3, 0.08, 0.05, 0.05, 0.25, 0.9, 1.4, 1.8],
    "gas": [1.8, 1.6, 1.3, 0.9, 0.5, 0.3, 0.25, 0.25, 0.45, 0.9, 1.4, 1.7],
}
UNITS = {"electricity": "kWh", "water": "m3", "heat": "GJ", "gas": "m3"}
READ_DECIMALS = {"electricity": 0, "water": 2, "heat": 3, "gas": 1}
SP_PREFIX = {"electricity": "E", "water": "W", "heat": "H", "gas": "G"}
BUILDING_SIZE = 16
BUILDING_EVERY = 6  # one block of BUILDING_SIZE accounts in every BUILDING_EVERY is an apartment building
CHAIN_EVERY = 500  # accounts 17, 517, 1017 ... are chains' head offices (consolidated parents)
CHAIN_HEAD = BUILDING_SIZE  # the first index after a building block, so never an apartment
MISSING_RATE, DUPLICATE_RATE, NEGATIVE_RATE, SPIKE_RATE = 0.02, 0.003, 0.001, 0.0008
EXACT_REPEAT_RATE, CUSTOMER_READ_RATE, MALFORMED_RATE = 0.002, 0.04, 0.0005
GLITCH_RATE = 0.002  # a wild read the day before a good one: VEE's SUSPECT (D62)
XLSX_EPOCH = (2020, 1, 1, 0, 0, 0)
CENT = Decimal("0.01")

ACCOUNT_COLUMNS = [
    "account_id",
    "customer_name",
    "customer_class",
    "district",
    "payment_method",
    "parent_account_id",
    "email",
    "iban",
    "opened_on",
    "closed_on",
    "mandate_id",
    "mandate_signed_on",
]
SP_COLUMNS = [
    "service_point_id",
    "service",
    "address",
    "district",
    "building_id",
    "master_service_point_id",
    "floor_area_m2",
    "residents",
]
METER_COLUMNS = ["meter_id", "service_point_id", "installed_on", "removed_on", "multiplier", "register_digits", "unit"]
CONTRACT_COLUMNS = ["contract_id", "account_id", "service_point_id", "tariff_code", "start_date", "end_date"]
READING_COLUMNS = ["meter_id", "read_at", "reading", "read_type", "source"]
PAYMENT_COLUMNS = ["payment_id", "paid_at", "amount", "currency", "channel", "reference", "reversal_of"]


@dataclass
class Summary:
    out: Path
    accounts: int = 0
    service_points: int = 0
    meters: int = 0
    contracts: int = 0
    readings: int = 0
    interval_readings: int = 0
    payments: int = 0
    files: list[str] = field(default_factory=list)


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def iban_for(rng: random.Random) -> str:
    bban = f"{rng.randrange(10**8):08d}{rng.randrange(10**10):010d}"
    digits = "".join(str(ord(c) - 55) if c.isalpha() else c for c in bban + "DE00")
    return f"DE{98 - int(digits) % 97:02d}{bban}"


def payment_reference(invoice: str) -> str:
    """The invoice's ISO 11649 reference as fct_invoices.payment_reference makes it (D80)."""
    body = "".join(c for c in invoice.upper() if c.isalnum())
    if len(body) > 21:
        return ""  # the product then hashes it (macros/invoice_creditor_reference.sql); not generated here
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


# Return reasons of a bounced direct debit (ISO 20022 ExternalReturnReason1Code), most common first.
RETURN_REASONS = ("AM04", "AM04", "AM04", "MS02", "MD06", "AC04", "MD01", "SL01")


def money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def approx_bill(version: Version, usage: float, month: int, summer_months=(7, 8)) -> Decimal:
    """What the customer will roughly owe for a month: enough for realistic payment amounts."""
    season = "summer" if month in summer_months else "winter"
    blocks = [b for b in version.blocks if b.season in ("all", season)]
    q = Decimal(str(round(usage, 3)))
    energy = sum(
        (
            min(max(q - b.from_units, Decimal(0)), (b.to_units - b.from_units) if b.to_units else q) * b.unit_price
            for b in blocks
        ),
        Decimal(0),
    )
    basic = next((b.basic_charge or 0 for b in reversed(blocks) if b.from_units < q), blocks[0].basic_charge or 0)
    subtotal = max(energy + basic + version.fixed_charge, version.minimum_charge)
    return money(subtotal * (1 + version.vat_rate + version.levy_rate))


@dataclass
class Meter:
    meter_id: str
    service: str
    installed_on: dt.date
    removed_on: dt.date | None
    multiplier: int
    digits: int
    register: float


@dataclass
class ServicePoint:
    sp_id: str
    service: str
    tariff_code: str
    scale: float
    meters: list[Meter]


@dataclass(frozen=True)
class CsvStyle:
    """How a spreadsheet program saves a CSV (D56-D58): the loader detects each of these per file."""

    delimiter: str = ","
    bom: bool = False
    crlf: bool = False
    empty_trailing_columns: int = 0  # Excel keeps formatted but empty columns as trailing ',,,'
    blank_last_row: bool = False  # ... and a formatted empty row as ',,,,,,'
    decimal_comma: tuple[str, ...] = ()  # columns written with a decimal comma
    dotted_dates: tuple[str, ...] = ()  # ISO dates written dd.mm.yyyy

    def values(self, header: list[str], values: list[object]) -> list[object]:
        out = list(values)
        for i, name in enumerate(header):
            if name in self.decimal_comma and isinstance(out[i], str):
                out[i] = out[i].replace(".", ",")
            if name in self.dotted_dates and isinstance(out[i], str) and len(out[i]) == 10:
                out[i] = f"{out[i][8:10]}.{out[i][5:7]}.{out[i][0:4]}"
        return out + [""] * self.empty_trailing_columns


CONTRACT_CSV = CsvStyle()
# A handheld export opened and saved again in Excel: BOM, CRLF, three formatted empty columns, an empty row.
EXCEL_SAVED_CSV = CsvStyle(bom=True, crlf=True, empty_trailing_columns=3, blank_last_row=True)
# The cash desk's sheet saved as CSV by a German Excel: ';', decimal commas, dd.mm.yyyy.
GERMAN_EXCEL_CSV = CsvStyle(delimiter=";", bom=True, crlf=True, decimal_comma=("amount",), dotted_dates=("paid_at",))


class Writers:
    """Open CSV writers by relative path, created on first use; `styles` names files saved otherwise."""

    def __init__(self, out: Path, styles: dict[str, CsvStyle] | None = None):
        self.out = out
        self.styles = styles or {}
        self.handles: dict[str, tuple] = {}

    def row(self, rel: str, header: list[str], values: list[object]) -> None:
        style = self.styles.get(rel, CONTRACT_CSV)
        if rel not in self.handles:
            path = self.out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("w", newline="", encoding="utf-8-sig" if style.bom else "utf-8")
            writer = csv.writer(handle, delimiter=style.delimiter, lineterminator="\r\n" if style.crlf else "\n")
            writer.writerow(header + [""] * style.empty_trailing_columns)
            self.handles[rel] = (handle, writer, len(header))
        self.handles[rel][1].writerow(style.values(header, values) if style != CONTRACT_CSV else values)

    def close(self) -> list[str]:
        for rel, (handle, writer, width) in self.handles.items():
            style = self.styles.get(rel, CONTRACT_CSV)
            if style.blank_last_row:
                writer.writerow([""] * (width + style.empty_trailing_columns))
            handle.close()
        return sorted(self.handles)


class Generator:
    def __init__(
        self,
        out: Path,
        accounts: int,
        months: int,
        seed: int,
        start: dt.date,
        interval_meters: int,
        currency: str = "EUR",
    ):
        self.out, self.n, self.months, self.seed = out, accounts, months, seed
        self.start, self.interval_meters, self.currency = start, interval_meters, currency
        self.periods = [month_add(start, m) for m in range(months)]
        # AMI meters send interval data for the last period and for the latest month with a clock change.
        changes = [p for p in self.periods if p.month in (3, 10)]
        self.interval_periods = {self.periods[-1], *changes[-1:]}
        self.end = month_end(self.periods[-1])
        self.book = tariff_book(start, currency)
        self.writers = Writers(
            out,
            {
                f"readings/readings_{self.periods[min(1, months - 1)]:%Y-%m}.csv": EXCEL_SAVED_CSV,
                f"payments/counter_{self.periods[-1]:%Y-%m}.csv": GERMAN_EXCEL_CSV,
            },
        )
        self.summary = Summary(out)
        self.statement_parts: dict[str, Path] = {}
        self.scratch = Path(tempfile.mkdtemp(prefix="m2c-gen-"))
        self.apartment_sheet = None  # a write-only sheet: rows stream to disk as they come
        self.apartment_book = None
        self.building_usage: dict[dt.date, float] = {}
        self.pay_seq = 0
        self.payer_name = ""
        self.status_reports: dict[dt.date, list[str]] = {}  # pain.002 rejects by report day
        self.mandated: set[str] = set()  # direct-debit accounts with a mandate on file
        self.batch_pending: dict[dt.date, tuple[str, str, Decimal]] = {}  # a transfer waiting for a batch partner

    def version(self, code: str, day: dt.date) -> Version:
        return [v for v in self.book if v.tariff_code == code and v.effective_from <= day][-1]

    def rng(self, *key: object) -> random.Random:
        return random.Random(f"{self.seed}:" + ":".join(map(str, key)))

    # --- accounts, premises, meters, contracts --------------------------------------------------

    def run(self) -> Summary:
        for index in range(self.n):
            self.account(index)
        self.write_tariffs()
        self.write_apartment_sheet()
        self.write_statements()
        self.write_status_reports()
        self.summary.files = self.writers.close() + self.summary.files
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.summary.files = sorted(set(self.summary.files))
        return self.summary

    def account(self, index: int) -> None:
        rng = self.rng("account", index)
        account_id = f"A{index + 1:07d}"
        block = index // BUILDING_SIZE
        in_building = block % BUILDING_EVERY == 0
        head_office = index % CHAIN_EVERY == CHAIN_HEAD and not in_building
        klass = (
            "commercial"
            if head_office
            else ("residential" if in_building else rng.choices([c for c, _ in CLASSES], [w for _, w in CLASSES])[0])
        )
        parent = None
        chain_head = (index // CHAIN_EVERY) * CHAIN_EVERY + CHAIN_HEAD
        if (
            klass == "commercial"
            and not head_office
            and chain_head < index
            and (chain_head // BUILDING_SIZE) % BUILDING_EVERY  # that chain has a head office
            and rng.random() < 0.15
        ):
            parent = f"A{chain_head + 1:07d}"
        district = DISTRICTS[(block if in_building else index) % len(DISTRICTS)]
        opened = self.opened_on(rng)
        closed = None
        if not head_office and parent is None and (self.end - self.start).days > 120 and rng.random() < 0.03:
            closed = self.start + dt.timedelta(days=rng.randrange(60, (self.end - self.start).days - 20))
            closed = max(closed, opened + dt.timedelta(days=40))
            if closed >= self.end:
                closed = None
        method = self.payment_method(rng, klass)
        self.write_account(rng, account_id, klass, district, method, parent, opened, closed, in_building)
        behaviour = self.payer_behaviour(rng, head_office)

        self.pay_seq = 0
        premises = self.premises(rng, index, account_id, klass, district, opened, closed, in_building, block)
        bills = self.simulate(rng, index, premises, opened, closed)
        # A branch of a consolidated parent pays its share toward the parent's invoice.
        self.payments(rng, account_id, parent or account_id, method, behaviour, bills)
        if closed is not None:
            # The next tenant moves in the day after the move-out, on the same premises and meters.
            tenant = f"T{index + 1:07d}"
            tenant_rng = self.rng("tenant", index)
            moved_in = closed + dt.timedelta(days=1)
            tenant_method = self.payment_method(tenant_rng, klass)
            self.write_account(tenant_rng, tenant, klass, district, tenant_method, None, moved_in, None, in_building)
            for sp in premises:
                self.contract(tenant, sp, moved_in, None, suffix=2)
            tenant_bills = self.simulate(tenant_rng, index, premises, moved_in, None, tenant=True)
            self.payments(
                tenant_rng, tenant, tenant, tenant_method, self.payer_behaviour(tenant_rng, False), tenant_bills
            )
        if in_building and (index % BUILDING_SIZE == BUILDING_SIZE - 1 or index == self.n - 1):
            self.master_reads(block)

    def opened_on(self, rng: random.Random) -> dt.date:
        if rng.random() < 0.12:
            return self.start + dt.timedelta(days=rng.randrange(5, max(6, (self.end - self.start).days - 60)))
        return dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange((self.start - dt.date(2005, 1, 1)).days - 30))

    @staticmethod
    def payment_method(rng: random.Random, klass: str) -> str:
        if klass == "residential":
            return rng.choices(["direct_debit", "bank_transfer", "counter"], [0.5, 0.4, 0.1])[0]
        return rng.choices(["direct_debit", "bank_transfer"], [0.3, 0.7])[0]

    @staticmethod
    def payer_behaviour(rng: random.Random, reliable: bool) -> str:
        if reliable:
            return "prompt"
        return rng.choices(
            ["prompt", "late", "partial", "never", "over", "erratic"], [0.72, 0.12, 0.08, 0.015, 0.04, 0.025]
        )[0]

    def write_account(self, rng, account_id, klass, district, method, parent, opened, closed, in_building) -> None:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}" if klass == "residential" else f"{last} {rng.choice(BUSINESS)}"
        iban = iban_for(rng) if method == "direct_debit" or rng.random() < 0.3 else ""
        if iban and rng.random() < 0.002:
            iban = iban[:4] + ("1" if iban[4] != "1" else "2") + iban[5:]  # a typo: fails the checksum
        email = f"{first}.{last}{rng.randrange(100)}@example.org".lower() if rng.random() < 0.7 else ""
        mandate = self.rng("mandate", account_id)  # its own stream: the other draws stay as they were
        signed = opened if method == "direct_debit" and mandate.random() >= 0.01 else None  # 1%: none on file
        if signed:
            self.mandated.add(account_id)
        self.payer_name = name
        self.writers.row(
            "accounts/accounts.csv",
            ACCOUNT_COLUMNS,
            [
                account_id,
                name,
                klass,
                district,
                method,
                parent or "",
                email,
                iban,
                opened.isoformat(),
                closed.isoformat() if closed else "",
                f"MNDT-{account_id}" if signed else "",
                signed.isoformat() if signed else "",
            ],
        )
        self.summary.accounts += 1

    def premises(
        self, rng, index, account_id, klass, district, opened, closed, in_building, block
    ) -> list[ServicePoint]:
        number = f"{index + 1:07d}"
        address = f"{rng.randrange(1, 200)} {rng.choice(STREETS)}"
        building_id = f"B{block:06d}" if in_building else ""
        services = ["electricity"]
        if in_building or rng.random() < (0.7 if klass == "residential" else 0.5):
            services.append("water")
        if in_building or rng.random() < 0.1:
            services.append("heat")
        if not in_building and klass != "industrial" and rng.random() < 0.25:
            services.append("gas")
        if in_building and index % BUILDING_SIZE == 0:
            self.master_meter(block, district)
        points = []
        for service in services:
            sp_id = f"SP{SP_PREFIX[service]}{number}"
            master = f"SPM{block:06d}" if in_building and service == "water" else ""
            area = f"{rng.randrange(35, 121)}.{rng.randrange(10)}" if in_building else ""
            published = published_variant(index, service, klass, in_building)
            tariff_code, unmetered = published or (tariff_code_for(service, klass), False)
            residents = ""
            if unmetered:  # a flat billed by norm: its residents and floor area, no draw of its own
                area, residents = f"{40 + index % 60}.5", str(1 + index % 4)
            self.writers.row(
                "service_points/service_points.csv",
                SP_COLUMNS,
                [
                    sp_id,
                    service,
                    address + (f", flat {index % BUILDING_SIZE + 1}" if in_building else ""),
                    district,
                    building_id,
                    master,
                    area,
                    residents,
                ],
            )
            self.summary.service_points += 1
            sp = ServicePoint(
                sp_id,
                service,
                tariff_code,
                DAILY_BASE[service][klass] * math.exp(rng.gauss(0, 0.3)),
                [],
            )
            self.meters_for(rng, sp, klass, opened, unmetered)
            self.contract(account_id, sp, opened, closed, suffix=1)
            points.append(sp)
        return points

    def master_meter(self, block: int, district: str) -> None:
        sp_id = f"SPM{block:06d}"
        self.writers.row(
            "service_points/service_points.csv",
            SP_COLUMNS,
            [sp_id, "water", f"Building {block}", district, f"B{block:06d}", "", "", ""],
        )
        self.writers.row("meters/meters.csv", METER_COLUMNS, [f"MM{block:06d}", sp_id, "2015-01-01", "", 1, 7, "m3"])
        self.summary.service_points += 1
        self.summary.meters += 1

    def meters_for(self, rng, sp: ServicePoint, klass: str, opened: dt.date, unmetered: bool = False) -> None:
        """The point's meter (and its replacement, if exchanged); an unmetered point draws the same
        numbers, so the account's other data stay as they were, and gets none."""
        multiplier = 40 if sp.service == "electricity" and klass == "industrial" else 1
        rollover_prone = sp.service in ("electricity", "water") and rng.random() < 0.08
        digits = 5 if rollover_prone else 6
        register = rng.uniform(0.93, 0.985) * 10**digits if rollover_prone else rng.uniform(0, 0.6) * 10**digits
        installed = opened if opened >= self.start else dt.date(2015, 1, 1)
        exchange = None
        if (self.end - self.start).days > 90 and rng.random() < 0.015:
            exchange = self.start + dt.timedelta(days=rng.randrange(40, (self.end - self.start).days - 10))
            exchange = exchange if exchange > installed + dt.timedelta(days=35) else None
        base = sp.sp_id[2:]
        sp.meters.append(Meter(f"M{base}-1", sp.service, installed, exchange, multiplier, digits, register))
        if exchange:
            sp.meters.append(Meter(f"M{base}-2", sp.service, exchange, None, multiplier, 6, 0.0))
        if unmetered:
            sp.meters.clear()
        for meter in sp.meters:
            self.writers.row(
                "meters/meters.csv",
                METER_COLUMNS,
                [
                    meter.meter_id,
                    sp.sp_id,
                    meter.installed_on.isoformat(),
                    meter.removed_on.isoformat() if meter.removed_on else "",
                    meter.multiplier,
                    meter.digits,
                    UNITS[sp.service],
                ],
            )
            self.summary.meters += 1

    def contract(self, account_id: str, sp: ServicePoint, start: dt.date, end: dt.date | None, suffix: int) -> None:
        self.writers.row(
            "contracts/contracts.csv",
            CONTRACT_COLUMNS,
            [
                f"C{sp.sp_id[2:]}-{suffix}",
                account_id,
                sp.sp_id,
                sp.tariff_code,
                start.isoformat(),
                end.isoformat() if end else "",
            ],
        )
        self.summary.contracts += 1

    # --- readings ---------------------------------------------------------------------------------

    def master_reads(self, block: int) -> None:
        """The building's bulk water meter: its units' usage plus common areas (stairs, garden)."""
        rng = self.rng("building", block)
        register = 1_000_000.0
        meter_id = f"MM{block:06d}"
        baseline = dt.datetime.combine(self.start - dt.timedelta(days=1), dt.time(12, 0))
        self.writers.row(
            f"readings/readings_{baseline:%Y-%m}.csv",
            READING_COLUMNS,
            [meter_id, baseline.isoformat(), f"{register:.2f}", "actual", "amr"],
        )
        for period in self.periods:
            # A master meter under-registering now and then makes common-area usage negative.
            common = rng.uniform(0.04, 0.12) if rng.random() > 0.01 else -0.03
            register += self.building_usage.get(period, 0.0) * (1 + common)
            read_at = dt.datetime.combine(month_end(period), dt.time(12, 0))
            self.writers.row(
                f"readings/readings_{period:%Y-%m}.csv",
                READING_COLUMNS,
                [meter_id, read_at.isoformat(), f"{register:.2f}", "actual", "amr"],
            )
            self.summary.readings += 1
        self.building_usage = {}

    def simulate(self, rng, index, premises, opened, closed, tenant=False) -> dict[dt.date, Decimal]:
        """Write the reads of one occupancy of these premises; return approximate bills per period."""
        bills: dict[dt.date, Decimal] = {}
        stop = closed or self.end
        first_read = max(opened, self.start - dt.timedelta(days=1))
        for sp in premises:
            for meter in sp.meters:
                active_from = max(first_read, meter.installed_on)
                active_to = min(stop, meter.removed_on or self.end)
                if active_from <= active_to:
                    self.meter_reads(rng, index, sp, meter, active_from, active_to, bills, tenant)
        return bills

    def read_day(self, rng, period: dt.date) -> dt.datetime:
        end = month_end(period)
        day = end if rng.random() < 0.85 else end - dt.timedelta(days=rng.randrange(1, 7))
        return dt.datetime.combine(day, dt.time(rng.randrange(8, 18), rng.randrange(60)))

    def meter_reads(self, rng, index, sp, meter, active_from, active_to, bills, tenant) -> None:
        daily_usage = sp.scale / meter.multiplier
        decimals = READ_DECIMALS[sp.service]
        modulus = 10**meter.digits
        interval = (
            not tenant and index < self.interval_meters and sp.service == "electricity" and meter.removed_on is None
        )
        baseline_at = dt.datetime.combine(active_from, dt.time(9, 0))
        baseline_type = "install" if meter.installed_on == active_from and active_from >= self.start else "actual"
        register = meter.register
        rows = [(baseline_at, round(register, decimals), baseline_type, "handheld")]
        last_at = baseline_at
        vacant = rng.random() < 0.005
        for period in self.periods:
            if month_end(period) < active_from or period > active_to:
                continue
            read_at = self.read_day(rng, period)
            if interval:  # AMR meters report the register at the last quarter-hour of the month
                read_at = dt.datetime.combine(month_end(period), dt.time(23, 45))
            final = active_to < month_end(period)
            if final:
                read_at = dt.datetime.combine(active_to, dt.time(10, 0))
            if read_at <= last_at:
                continue
            usage = 0.0 if vacant else self.usage_between(rng, sp.service, daily_usage, last_at, read_at)
            if rng.random() < SPIKE_RATE:
                usage *= 8
            if interval and period in self.interval_periods:
                usage = self.interval_reads(rng, meter, sp.service, daily_usage, register, last_at, read_at, decimals)
            register = (register + usage) % modulus
            bill_version = self.version(sp.tariff_code, read_at.date())
            bills[period] = bills.get(period, Decimal(0)) + approx_bill(
                bill_version, usage * meter.multiplier, period.month
            )
            read_type = "removal" if meter.removed_on and final else "actual"
            source = "amr" if interval else "handheld"
            if read_type == "actual" and rng.random() < CUSTOMER_READ_RATE:
                read_type, source = "customer", "portal"
            rows.append((read_at, round(register, decimals), read_type, source))
            last_at = read_at
            if sp.service == "water" and self.in_building(sp):
                self.building_usage[period] = self.building_usage.get(period, 0.0) + usage
        meter.register = register
        for n, (read_at, value, read_type, source) in enumerate(rows):
            self.emit_read(rng, meter, read_at, value, read_type, source, decimals, n == 0, sp)

    def usage_between(self, rng, service, daily, start: dt.datetime, end: dt.datetime) -> float:
        days = (end - start).total_seconds() / 86400
        season = SEASON[service][end.month - 1]
        return max(0.0, daily * days * season * rng.uniform(0.85, 1.15))

    def emit_read(self, rng, meter, read_at, value, read_type, source, decimals, baseline, sp) -> None:
        period = dt.date(read_at.year, read_at.month, 1)
        rel = f"readings/readings_{period:%Y-%m}.csv"
        text = f"{value:.{decimals}f}"
        row = [meter.meter_id, read_at.isoformat(timespec="seconds"), text, read_type, source]
        if not baseline and read_type in ("actual", "customer") and rng.random() < MISSING_RATE:
            return
        if not baseline and rng.random() < NEGATIVE_RATE:
            row[2] = f"{max(0.0, value - 7 * 10**-decimals * 100):.{decimals}f}"  # a misread register
        if sp.service == "water" and period == self.periods[-1] and self.in_building(sp):
            self.apartment_read(row)
            return
        self.writers.row(rel, READING_COLUMNS, row)
        self.summary.readings += 1
        if not baseline and read_type in ("actual", "customer"):
            self.glitch_read(meter, read_at, value, decimals, rel)
        if rng.random() < EXACT_REPEAT_RATE:
            self.writers.row(rel, READING_COLUMNS, row)
            self.summary.readings += 1
        if not baseline and rng.random() < DUPLICATE_RATE:
            self.writers.row(
                rel, READING_COLUMNS, [row[0], row[1], f"{float(text) + 3:.{decimals}f}", "actual", "manual"]
            )
            self.summary.readings += 1
        if rng.random() < MALFORMED_RATE:
            bad = rng.choice(
                [
                    [meter.meter_id, read_at.strftime("%d/%m/%Y"), text, "actual", "manual"],
                    [meter.meter_id, read_at.isoformat(), text.replace(".", ",") + ",5", "actual", "manual"],
                    ["", read_at.isoformat(), text, "actual", "manual"],
                    [meter.meter_id, read_at.isoformat(), "-" + text, "actual", "manual"],
                    [meter.meter_id, read_at.isoformat(), text, "guessed", "manual"],
                ]
            )
            self.writers.row(rel, READING_COLUMNS, bad)
            self.summary.readings += 1
        if rng.random() < MALFORMED_RATE:
            unknown = f"MX{rng.randrange(10**6):06d}"
            self.writers.row(
                rel, READING_COLUMNS, [unknown, read_at.isoformat(timespec="seconds"), text, "actual", "handheld"]
            )
            self.summary.readings += 1

    def glitch_read(self, meter: Meter, read_at: dt.datetime, value: float, decimals: int, rel: str) -> None:
        """Now and then a wild value the day before a good read, as an AMR poll glitch gives: ten times the
        register plus 1000, or a tenth of it. Its own random stream, so the rest of the sample is unchanged."""
        rng = self.rng("glitch", meter.meter_id, read_at.isoformat())
        if rng.random() >= GLITCH_RATE:
            return
        wild = value * 10 + 1000 if rng.random() < 0.7 else value / 10
        glitch_at = read_at - dt.timedelta(days=1)
        self.writers.row(
            rel,
            READING_COLUMNS,
            [meter.meter_id, glitch_at.isoformat(timespec="seconds"), f"{wild:.{decimals}f}", "actual", "amr"],
        )
        self.summary.readings += 1

    @staticmethod
    def in_building(sp: ServicePoint) -> bool:
        index = int(sp.sp_id[3:]) - 1
        return (index // BUILDING_SIZE) % BUILDING_EVERY == 0

    def interval_reads(self, rng, meter, service, daily, register, start, end, decimals) -> float:
        """15-minute cumulative register reads from `start` to `end` (local utility time, taken as UTC),
        written with the head-end's offsets (HEAD_END_ZONE); return the usage over them."""
        rel = f"readings/interval/interval_{end:%Y-%m}.csv"
        slot = dt.timedelta(minutes=15)
        at = dt.datetime.combine(start.date(), dt.time(0)) + slot
        while at <= start:
            at += slot
        total = 0.0
        season = SEASON[service][end.month - 1]
        while at <= end:
            hour = at.hour + at.minute / 60
            shape = 0.6 + 0.8 * math.exp(-((hour - 19) ** 2) / 8) + 0.4 * math.exp(-((hour - 8) ** 2) / 4)
            total += daily * season * shape / 96 * rng.uniform(0.7, 1.3)
            value = round((register + total) % 10**meter.digits, 3)
            stamp = at.replace(tzinfo=dt.UTC).astimezone(HEAD_END_ZONE).isoformat()
            self.writers.row(rel, READING_COLUMNS, [meter.meter_id, stamp, f"{value:.3f}", "actual", "amr"])
            self.summary.interval_readings += 1
            at += slot
        return round(register + total, decimals) - round(register, decimals)

    # --- payments ---------------------------------------------------------------------------------

    def payments(self, rng, account_id, billed_account, method, behaviour, bills) -> None:
        for period in sorted(bills):
            amount = bills[period]
            if amount <= 0:
                continue
            invoice = f"INV-{period:%Y%m}-{billed_account}"
            bill_date = month_add(period, 1)
            due = bill_date + dt.timedelta(days=20)
            if method == "direct_debit" and account_id in self.mandated and behaviour != "never":
                self.direct_debit(rng, account_id, invoice, amount, due)
                continue
            if behaviour == "never" or (behaviour == "erratic" and rng.random() < 0.5):
                continue
            paid_on = bill_date + dt.timedelta(days=rng.randrange(3, 20))
            if behaviour == "late" or behaviour == "erratic":
                paid_on = bill_date + dt.timedelta(days=rng.randrange(25, 80))
            if behaviour == "partial":
                amount = money(amount * Decimal(str(rng.uniform(0.4, 0.9))))
            if behaviour == "over":
                amount = Decimal(math.ceil(amount / 10) * 10 + 10)
            self.payment(
                rng, account_id, invoice, amount, paid_on, "counter" if method == "counter" else "bank_transfer"
            )

    def direct_debit(self, rng, account_id, invoice, amount, due) -> None:
        """The collection booked on its due date under the invoice's RF reference as end-to-end id (as
        m2c collect sends it); 2% come back a few days later with a reason code, two in three as a camt
        return (RvslInd) and one in three as a pain.002 reject."""
        pid = self.payment(rng, account_id, invoice, amount, due, "direct_debit")
        if pid and rng.random() < 0.02:
            returned = due + dt.timedelta(days=rng.randrange(2, 6))
            if returned <= self.end:
                how = self.rng("return", pid)
                reason, e2e = how.choice(RETURN_REASONS), payment_reference(invoice) or f"E2E-{pid}"
                if how.random() < 1 / 3:
                    self.status_reports.setdefault(returned, []).append(
                        self.status_transaction(pid, e2e, amount, due, reason)
                    )
                else:
                    self.statement_entry(
                        returned,
                        self.camt_entry(
                            f"R{pid}",
                            returned,
                            amount,
                            "DBIT",
                            True,
                            "IDDT",
                            e2e,
                            "",
                            f"Returned direct debit: {reason}",
                            self.payer_name,
                            reason,
                        ),
                    )
                self.payment(
                    rng,
                    account_id,
                    invoice,
                    amount,
                    returned + dt.timedelta(days=rng.randrange(5, 30)),
                    "bank_transfer",
                )

    def status_transaction(self, pid: str, e2e: str, amount: Decimal, due: dt.date, reason: str) -> str:
        """One pain.002 TxInfAndSts rejecting a collection (TxSts RJCT with its reason code)."""
        return (
            f"<TxInfAndSts><StsId>S{pid}</StsId><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>RJCT</TxSts>"
            f"<StsRsnInf><Rsn><Cd>{reason}</Cd></Rsn></StsRsnInf><OrgnlTxRef><Amt>"
            f'<InstdAmt Ccy="{self.currency}">{amount:.2f}</InstdAmt></Amt><ReqdColltnDt>{due.isoformat()}'
            f"</ReqdColltnDt><Dbtr><Pty><Nm>{escape(self.payer_name)}</Nm></Pty></Dbtr></OrgnlTxRef></TxInfAndSts>"
        )

    def write_status_reports(self) -> None:
        """A pain.002.001.10 per day with rejects: payments/pain002_<day>.xml."""
        for day in sorted(self.status_reports):
            rel = f"payments/pain002_{day.isoformat()}.xml"
            path = self.out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>'
                f"<GrpHdr><MsgId>STS{day:%Y%m%d}</MsgId><CreDtTm>{day.isoformat()}T08:00:00</CreDtTm></GrpHdr>"
                "<OrgnlGrpInfAndSts><OrgnlMsgId>M2C-DD</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId>"
                "<GrpSts>PART</GrpSts></OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>M2C-DD</OrgnlPmtInfId>\n"
                + "\n".join(self.status_reports[day])
                + "\n</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n",
                encoding="utf-8",
            )
            self.summary.files.append(rel)

    def reference(self, rng, account_id: str, invoice: str) -> tuple[str, str]:
        """(structured reference, remittance text) as a payer would write them."""
        draw = rng.random()
        if draw < 0.004:
            return "", rng.choice(["rent march", "thanks", "payment", "Invoice 123", "for Mum"])
        if draw < 0.6:  # some as the ISO 11649 RF creditor reference of the invoice (D74)
            return ((payment_reference(invoice) or invoice) if draw < 0.12 else invoice), ""
        styles = [
            account_id,
            account_id.lower(),
            f"Acc {account_id[0]} {account_id[1:]}",
            f"Account: {account_id}",
            f"{invoice.lower()}",
            f"Customer no. {account_id}",
        ]
        return "", rng.choice(styles)

    def payment(self, rng, account_id, invoice, amount: Decimal, paid_on: dt.date, channel: str) -> str | None:
        if paid_on > self.end:
            return None
        self.pay_seq += 1
        pid = f"{paid_on:%Y%m%d}{account_id}{self.pay_seq:03d}"
        structured, text = self.reference(rng, account_id, invoice)
        e2e = f"E2E-{pid}"
        if channel == "direct_debit":  # as the collection file sent it (D83)
            e2e = payment_reference(invoice) or e2e
            structured, text = e2e, f"SEPA DD Invoice {invoice}"
        if channel in ("counter", "card"):
            self.writers.row(
                f"payments/counter_{paid_on:%Y-%m}.csv",
                PAYMENT_COLUMNS,
                [f"CNT{pid}", paid_on.isoformat(), f"{amount:.2f}", self.currency, channel, structured or text, ""],
            )
        elif channel == "bank_transfer" and self.pay_seq % 3 == 1:  # about a third of transfers: batches
            self.batched(pid, paid_on, amount, self.camt_tx(f"E2E-{pid}", structured, text, self.payer_name, amount))
        else:
            family = "IDDT" if channel == "direct_debit" else "RCDT"
            self.statement_entry(
                paid_on,
                self.camt_entry(pid, paid_on, amount, "CRDT", False, family, e2e, structured, text, self.payer_name),
            )
        self.summary.payments += 1
        return pid

    def camt_tx(self, e2e, structured, text, payer, amount: Decimal | None = None, reason: str = "") -> str:
        """One <TxDtls>; with `amount`, its own AmtDtls/TxAmt (a transaction of a batch); with `reason`,
        the return reason of a returned direct debit (RtrInf, D84)."""
        remittance = ""
        if structured:
            remittance += f"<Strd><CdtrRefInf><Ref>{escape(structured)}</Ref></CdtrRefInf></Strd>"
        if text:
            remittance += f"<Ustrd>{escape(text)}</Ustrd>"
        own = f'<AmtDtls><TxAmt><Amt Ccy="{self.currency}">{amount:.2f}</Amt></TxAmt></AmtDtls>' if amount else ""
        return (
            f"<TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>{own}"
            f"<RltdPties><Dbtr><Nm>{escape(payer)}</Nm></Dbtr></RltdPties>"
            f"<RmtInf>{remittance}</RmtInf>"
            + (f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>" if reason else "")
            + "</TxDtls>"
        )

    def camt_entry(self, ref, day, amount, direction, reversal, family, e2e, structured, text, payer, reason="") -> str:
        return self.camt_booking(
            ref, day, amount, direction, reversal, family, self.camt_tx(e2e, structured, text, payer, reason=reason)
        )

    def camt_booking(self, ref, day, amount, direction, reversal, family, details: str) -> str:
        return (
            f'<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy="{self.currency}">{amount:.2f}</Amt>'
            f"<CdtDbtInd>{direction}</CdtDbtInd><RvslInd>{'true' if reversal else 'false'}</RvslInd>"
            f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{day.isoformat()}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
            f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>OTHR</SubFmlyCd></Fmly></Domn></BkTxCd>"
            f"<NtryDtls>{details}</NtryDtls></Ntry>"
        )

    def batched(self, pid: str, day: dt.date, amount: Decimal, details: str) -> None:
        """A transfer booked in a batch (D72): two transfers of the same day, of different accounts,
        become one entry of their sum with two <TxDtls>; one left without a partner is booked alone."""
        waiting = self.batch_pending.pop(day, None)
        if waiting is None:
            self.batch_pending[day] = (pid, details, amount)
            return
        first, first_details, first_amount = waiting
        self.statement_entry(
            day,
            self.camt_booking(
                f"BAT{first}",
                day,
                first_amount + amount,
                "CRDT",
                False,
                "RCDT",
                f"<Btch><NbOfTxs>2</NbOfTxs></Btch>{first_details}{details}",
            ),
        )

    def flush_batches(self) -> None:
        for day, (pid, details, amount) in sorted(self.batch_pending.items()):
            self.statement_entry(day, self.camt_booking(pid, day, amount, "CRDT", False, "RCDT", details))
        self.batch_pending.clear()

    def statement_entry(self, day: dt.date, xml: str) -> None:
        key = f"{day:%Y-%m}"
        if key not in self.statement_parts:
            self.statement_parts[key] = self.scratch / f"{key}.part"
        with self.statement_parts[key].open("a", encoding="utf-8") as part:
            part.write(xml + "\n")

    def write_statements(self) -> None:
        self.flush_batches()
        for key in sorted(self.statement_parts):
            first = dt.date.fromisoformat(f"{key}-01")
            last = month_end(first)
            fee = self.camt_entry(
                f"FEE{first:%Y%m}",
                last,
                Decimal("12.50"),
                "DBIT",
                False,
                "CHRG",
                f"FEE{key}",
                "",
                "Account maintenance fee",
                "Bank",
            )
            rel = f"payments/camt053_{key}.xml"
            path = self.out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8") as out:
                out.write(
                    '<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
                    f"<GrpHdr><MsgId>STMT{first:%Y%m}</MsgId><CreDtTm>{last.isoformat()}T23:59:00</CreDtTm></GrpHdr>"
                    f"<Stmt><Id>STMT{first:%Y%m}</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id>"
                    f"<Ccy>{self.currency}</Ccy></Acct>\n"
                )
                with self.statement_parts[key].open(encoding="utf-8") as part:
                    shutil.copyfileobj(part, out)
                out.write(fee + "\n</Stmt></BkToCstmrStmt></Document>\n")
            self.summary.files.append(rel)

    # --- workbooks --------------------------------------------------------------------------------

    def write_tariffs(self) -> None:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        versions = workbook.create_sheet("versions")
        versions.append(
            [
                "tariff_code",
                "service",
                "effective_from",
                "fixed_charge",
                "minimum_charge",
                "vat_rate",
                "levy_rate",
                "currency",
                "rounding",
                "total_rounding_unit",
                "norm_basis",
                "norm_units",
            ]
        )
        blocks = workbook.create_sheet("blocks")
        blocks.append(
            [
                "tariff_code",
                "effective_from",
                "season",
                "block_no",
                "from_units",
                "to_units",
                "unit_price",
                "basic_charge",
            ]
        )
        for v in self.book:
            versions.append(
                [
                    v.tariff_code,
                    v.service,
                    v.effective_from,
                    float(v.fixed_charge),
                    float(v.minimum_charge),
                    float(v.vat_rate),
                    float(v.levy_rate),
                    v.currency,
                    v.rounding,
                    float(v.total_rounding_unit) if v.total_rounding_unit is not None else None,
                    v.norm_basis,
                    float(v.norm_units) if v.norm_units is not None else None,
                ]
            )
            for b in v.blocks:
                blocks.append(
                    [
                        v.tariff_code,
                        v.effective_from,
                        b.season,
                        b.block_no,
                        float(b.from_units),
                        float(b.to_units) if b.to_units is not None else None,
                        float(b.unit_price),
                        float(b.basic_charge) if b.basic_charge is not None else None,
                    ]
                )
        self.write_charges(workbook)
        self.save_workbook(workbook, "tariffs/tariffs.xlsx")

    def write_charges(self, workbook) -> None:
        """The tariff book's `charges` sheet (landing-formats: tariffs, billing-rules section 9)."""
        sheet = workbook.create_sheet("charges")
        sheet.append(
            [
                "tariff_code",
                "effective_from",
                "charge_code",
                "description",
                "basis",
                "rate",
                "units_factor",
                "vat",
                "rounding",
                "rounding_unit",
            ]
        )
        for v in self.book:
            for c in v.charges:
                unit = float(c.rounding_unit) if c.rounding_unit is not None else None
                sheet.append(
                    [v.tariff_code, v.effective_from, c.charge_code, c.description, c.basis, float(c.rate)]
                    + [None, "true" if c.vat else "false", c.rounding, unit]
                )

    def apartment_read(self, row: list[str]) -> None:
        """The last month's apartment water reads arrive as a building manager's spreadsheet."""
        if self.apartment_sheet is None:
            from openpyxl import Workbook

            self.apartment_book = Workbook(write_only=True)
            self.apartment_sheet = self.apartment_book.create_sheet("readings")
            self.apartment_sheet.append(READING_COLUMNS)
        meter_id, read_at, reading, read_type, _ = row
        self.apartment_sheet.append([meter_id, dt.datetime.fromisoformat(read_at), float(reading), read_type, "excel"])
        self.summary.readings += 1

    def write_apartment_sheet(self) -> None:
        if self.apartment_book is not None:
            self.save_workbook(self.apartment_book, f"readings/apartments_{self.periods[-1]:%Y-%m}.xlsx")

    def save_workbook(self, workbook, rel: str) -> None:
        fixed = dt.datetime(*XLSX_EPOCH)
        workbook.properties.created = fixed
        workbook.properties.modified = fixed
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
        normalise_zip(path)
        self.summary.files.append(rel)


def normalise_zip(path: Path) -> None:
    """Rewrite a workbook with fixed timestamps so the same content gives the same bytes.

    Both the zip entries and docProps/core.xml (openpyxl stamps `modified` at save) carry the time.
    """
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    stamp = dt.datetime(*XLSX_EPOCH).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = [
        (name, re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", data))
        if name == "docProps/core.xml"
        else (name, data)
        for name, data in entries
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            target.writestr(zipfile.ZipInfo(name, XLSX_EPOCH), data, zipfile.ZIP_DEFLATED)


def generate(
    out: Path,
    accounts: int = 2000,
    months: int = 24,
    seed: int = 42,
    start: str = "2024-01",
    interval_meters: int = 10,
    currency: str = "EUR",
) -> Summary:
    """Write a sample utility's landing files under `out`, overwriting files of the same name."""
    out.mkdir(parents=True, exist_ok=True)
    first = dt.date.fromisoformat(f"{start}-01")
    return Generator(out, accounts, months, seed, first, interval_meters, currency).run()
