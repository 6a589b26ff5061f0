"""The landing-format contract (docs/landing-formats.md) as data: one spec per raw table."""

from __future__ import annotations

from dataclasses import dataclass, field

from core import vocabularies

CUSTOMER_CLASSES = ("residential", "commercial", "industrial", "public", "agricultural")
SERVICES = ("electricity", "water", "heat", "gas")
UNITS = ("kWh", "m3", "GJ", "Gcal")
ROUNDING_MODES = ("half_up", "down")
CURRENCIES = tuple(vocabularies.currency_minor_units())
CURRENCY_VALUES = "an ISO 4217 currency code in use (e.g. EUR, KRW, CNY, RUB)"


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"  # text | date | timestamp | decimal | int | enum | iban
    required: bool = False
    values: tuple[str, ...] = ()  # allowed values of an enum (matched case-insensitively)
    default: str | None = None
    check: str | None = None  # SQL predicate on the typed value, e.g. "{v} >= 0"
    check_reason: str | None = None  # what the check demands, e.g. "must be ≥ 0"
    values_name: str | None = None  # an enum too long to list in a reason: what its values are
    # An optional field that nothing is billed from (an IBAN): an invalid value is set aside (loaded as
    # null) with a warning row in the rejects naming file, row and reason; the row itself is loaded (D101).
    set_aside: bool = False


@dataclass(frozen=True)
class InstantOf:
    """A landed timestamp whose instant is kept beside its local wall time (D59).

    A value with a UTC offset (or Z) is that instant; one without is a wall time of the policy's
    zone. In the repeated hour when the clocks go back, the first row of a series at a wall time is
    the earlier instant (summer time) and the second the later one; a wall time the clocks skip, or
    a third row at a repeated one, is rejected with its reason (D60).
    """

    column: str  # the landed timestamp, e.g. read_at (stored as local wall time)
    stored_as: str  # the timestamptz column holding its instant, e.g. read_instant
    series: tuple[str, ...]  # the columns naming one series (a meter), whose rows are ordered by row number


@dataclass(frozen=True)
class SameRecord:
    """How a row is recognised as a row already loaded from another file under another id (D73), with
    the same `equal` values and no conflicting `compatible` value: the space-separated references in
    `references` name the loaded row's id or `own_id`; or the `otherwise` columns (texts) hold the same
    values; or `entry` (the whole a row is part of) is the same, the amount aside
    (ingestion.loader.same_record_reason)."""

    equal: tuple[str, ...]
    compatible: tuple[str, ...]
    references: str
    otherwise: tuple[str, ...]
    entry: str
    # A `compatible` column unique per transaction (ISO 20022's end-to-end id): rows that share it are found
    # by reference, so the texts compare a row that has one only with rows without one.
    own_id: str


@dataclass(frozen=True)
class TableSpec:
    table: str  # raw.<table>
    columns: tuple[Column, ...]
    unique_in_file: tuple[str, ...] = ()  # a key that may appear once per file
    unique_across_files: bool = False  # the key may also not repeat a row already loaded
    extra_raw_columns: tuple[Column, ...] = field(default=())  # filled by a reader, not by people
    instant: InstantOf | None = None  # a timestamp whose instant is kept too (D59)
    # (raw table, key columns, reason): a row whose key is in no row of that table is rejected (D89)
    known_in: tuple[str, tuple[str, ...], str] | None = None
    same_record: SameRecord | None = None  # with unique_across_files: the same record under another id

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.extra_raw_columns

    def column(self, name: str) -> Column:
        return next(c for c in self.all_columns if c.name == name)


ACCOUNTS = TableSpec(
    "accounts",
    (
        Column("account_id", required=True),
        Column("customer_name", required=True),
        Column("customer_class", "enum", required=True, values=CUSTOMER_CLASSES),
        Column("district"),
        Column("payment_method", "enum", required=True, values=("direct_debit", "bank_transfer", "counter")),
        Column("parent_account_id"),
        Column("email"),
        Column("iban", "iban", set_aside=True),
        Column("opened_on", "date", required=True),
        Column("closed_on", "date"),
        # The SEPA direct debit mandate (D81): a direct_debit account without one is billed but not collected.
        Column(
            "mandate_id",
            check="length({v}) <= 35 and {v} ~ '^[A-Za-z0-9+?/:().,'' -]+$'",
            check_reason="is not a SEPA mandate reference (1 to 35 of A-Z a-z 0-9 + ? / - : ( ) . , ' and space)",
        ),
        Column("mandate_signed_on", "date"),
    ),
    unique_in_file=("account_id",),
)

SERVICE_POINTS = TableSpec(
    "service_points",
    (
        Column("service_point_id", required=True),
        Column("service", "enum", required=True, values=SERVICES),
        Column("address"),
        Column("district"),
        Column("building_id"),
        Column("master_service_point_id"),
        Column("floor_area_m2", "decimal", check="{v} > 0", check_reason="must be > 0"),
        Column("residents", "int", check="{v} >= 0", check_reason="must be ≥ 0"),
    ),
    unique_in_file=("service_point_id",),
)

METERS = TableSpec(
    "meters",
    (
        Column("meter_id", required=True),
        Column("service_point_id", required=True),
        Column("installed_on", "date", required=True),
        Column("removed_on", "date"),
        Column("multiplier", "decimal", default="1", check="{v} > 0", check_reason="must be > 0"),
        Column("register_digits", "int", default="6", check="{v} between 1 and 12", check_reason="must be 1 to 12"),
        Column("unit", "enum", required=True, values=UNITS),
        Column("modbus_host"),
        Column("modbus_port", "int", check="{v} between 1 and 65535", check_reason="must be a TCP port"),
        Column("modbus_unit_id", "int", check="{v} between 0 and 255", check_reason="must be 0 to 255"),
        Column("register_map"),
    ),
    unique_in_file=("meter_id", "installed_on"),
)

CONTRACTS = TableSpec(
    "contracts",
    (
        Column("contract_id", required=True),
        Column("account_id", required=True),
        Column("service_point_id", required=True),
        Column("tariff_code", required=True),
        Column("start_date", "date", required=True),
        Column("end_date", "date"),
    ),
    unique_in_file=("contract_id",),
)

TARIFF_VERSIONS = TableSpec(
    "tariff_versions",
    (
        Column("tariff_code", required=True),
        Column("service", "enum", required=True, values=SERVICES),
        Column("effective_from", "date", required=True),
        Column("fixed_charge", "decimal", default="0", check="{v} >= 0", check_reason="must be ≥ 0"),
        Column("minimum_charge", "decimal", default="0", check="{v} >= 0", check_reason="must be ≥ 0"),
        Column("vat_rate", "decimal", default="0", check="{v} between 0 and 1", check_reason="must be 0 to 1"),
        Column("levy_rate", "decimal", default="0", check="{v} between 0 and 1", check_reason="must be 0 to 1"),
        Column("currency", "enum", required=True, values=CURRENCIES, values_name=CURRENCY_VALUES),
        # Tariff components (billing-rules section 9)
        Column("rounding", "enum", default="half_up", values=ROUNDING_MODES),
        Column("total_rounding_unit", "decimal", check="{v} > 0", check_reason="must be > 0"),
        Column("block_basis", "enum", default="month", values=("month", "year")),
        Column("persons_included", "int", check="{v} >= 0", check_reason="must be ≥ 0"),
        Column("norm_basis", "enum", values=("resident", "area")),
        Column("norm_units", "decimal", check="{v} >= 0", check_reason="must be ≥ 0"),
    ),
    unique_in_file=("tariff_code", "effective_from"),
)

TARIFF_BLOCKS = TableSpec(
    "tariff_blocks",
    (
        Column("tariff_code", required=True),
        Column("effective_from", "date", required=True),
        Column("season", "enum", default="all", values=("all", "summer", "winter")),
        Column("block_no", "int", required=True, check="{v} >= 1", check_reason="must be ≥ 1"),
        Column("from_units", "decimal", required=True, check="{v} >= 0", check_reason="must be ≥ 0"),
        Column("to_units", "decimal", check="{v} > 0", check_reason="must be > 0"),
        Column("unit_price", "decimal", required=True, check="{v} >= 0", check_reason="must be ≥ 0"),
        Column("basic_charge", "decimal", check="{v} >= 0", check_reason="must be ≥ 0"),
        Column("bound_per_extra_person", "decimal", check="{v} >= 0", check_reason="must be ≥ 0"),
    ),
    unique_in_file=("tariff_code", "effective_from", "season", "block_no"),
)

TARIFF_CHARGES = TableSpec(
    "tariff_charges",
    (
        Column("tariff_code", required=True),
        Column("effective_from", "date", required=True),
        Column("charge_code", required=True),
        Column("description", required=True),
        Column("basis", "enum", required=True, values=("units", "month", "percent")),
        Column("rate", "decimal", required=True, check="{v} >= 0", check_reason="must be ≥ 0"),
        Column("units_factor", "decimal", default="1", check="{v} > 0", check_reason="must be > 0"),
        Column("vat", "enum", default="true", values=("true", "false")),
        Column("rounding", "enum", values=ROUNDING_MODES),
        Column("rounding_unit", "decimal", check="{v} > 0", check_reason="must be > 0"),
    ),
    unique_in_file=("tariff_code", "effective_from", "charge_code"),
    # A charge prices a version: one no file has landed is rejected (the workbook's or an earlier file's).
    known_in=("tariff_versions", ("tariff_code", "effective_from"), "is not a tariff version (versions sheet)"),
)

_READING_COLUMNS = (
    Column("meter_id", required=True),
    Column("read_at", "timestamp", required=True),
    Column("reading", "decimal", required=True, check="{v} >= 0", check_reason="must be ≥ 0"),
    Column("read_type", "enum", default="actual", values=("actual", "customer", "estimated", "install", "removal")),
    Column("source", "enum", values=("manual", "handheld", "amr", "portal", "excel")),
)

_READ_INSTANT = InstantOf("read_at", "read_instant", ("meter_id",))

READINGS = TableSpec("readings", _READING_COLUMNS, instant=_READ_INSTANT)
INTERVAL_READINGS = TableSpec("interval_readings", _READING_COLUMNS, instant=_READ_INSTANT)

PAYMENTS = TableSpec(
    "payments",
    (
        # Bank references are at most 35 characters (ISO 20022 Max35Text); the limit keeps a key indexable.
        Column("payment_id", required=True, check="length({v}) <= 140", check_reason="is longer than 140 characters"),
        Column("paid_at", "date", required=True),
        Column("amount", "decimal", required=True, check="{v} > 0", check_reason="must be > 0"),
        Column("currency", "enum", values=CURRENCIES, values_name=CURRENCY_VALUES),
        Column("channel", "enum", values=("bank_transfer", "direct_debit", "counter", "card")),
        Column("reference"),
        Column("reversal_of"),
    ),
    unique_in_file=("payment_id",),
    unique_across_files=True,
    extra_raw_columns=(
        Column("end_to_end_id", check="length({v}) <= 140", check_reason="is longer than 140 characters"),
        Column("payer_name"),
        Column("remittance_text"),
        Column("return_reason_code"),  # ISO 20022 return/reject reason of a reversal (RtrInf, pain.002; D84)
        Column(
            "entry_kind",
            "enum",
            values=("credit", "reversal", "debit"),
            check="{v} <> 'debit'",
            check_reason="is not a customer payment (a debit entry: bank charge or outgoing transfer)",
        ),
        Column("additional_info"),  # camt AddtlTxInf, then AddtlNtryInf: a reference's last place (D75)
        Column("debtor_iban"),  # camt RltdPties/DbtrAcct: matched to an account's IBAN as a last resort (D75)
        Column("bank_references"),  # camt: the transaction's references, space-separated (D73)
        Column("entry_reference"),  # camt: the whole entry, '<AcctSvcrRef>|<amount>|<currency>' (D73)
        Column(
            "entry_status",
            check="upper({v}) = 'BOOK'",
            check_reason="is not booked: a pending (PDNG) or information-only (INFO) entry is no payment yet",
        ),
    ),
    # A camt.054 may carry references its camt.053 lacks, or none, for the same transfer (D73).
    same_record=SameRecord(
        equal=("paid_at", "amount", "currency", "entry_kind"),
        compatible=("debtor_iban", "end_to_end_id"),
        references="bank_references",
        otherwise=("reference", "remittance_text"),
        entry="entry_reference",
        own_id="end_to_end_id",
    ),
)

SPECS = {
    s.table: s
    for s in (
        ACCOUNTS,
        SERVICE_POINTS,
        METERS,
        CONTRACTS,
        TARIFF_VERSIONS,
        TARIFF_BLOCKS,
        TARIFF_CHARGES,
        READINGS,
        INTERVAL_READINGS,
        PAYMENTS,
    )
}

# Landing sub-folder -> the raw tables its files feed.
FOLDERS: dict[str, tuple[str, ...]] = {
    "accounts": ("accounts",),
    "service_points": ("service_points",),
    "meters": ("meters",),
    "contracts": ("contracts",),
    "tariffs": ("tariff_versions", "tariff_blocks", "tariff_charges"),
    "readings": ("readings",),
    "readings/interval": ("interval_readings",),
    "readings/amr": ("readings",),
    "payments": ("payments",),
}
