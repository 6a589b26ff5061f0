"""The raw schema: typed landing tables (one per spec), the load ledger, rejects, and SQL helpers."""

from __future__ import annotations

import psycopg
from psycopg import sql

from ingestion.specs import SPECS, Column, TableSpec

SQL_TYPES = {
    "text": "text",
    "enum": "text",
    "iban": "text",
    "date": "date",
    "timestamp": "timestamp",
    "decimal": "numeric",
    "int": "integer",
}

HELPERS = r"""
create schema if not exists raw;

-- Whether a landed timestamp names its UTC offset after the time of day: Z, +01, +0100 or +01:00.
create or replace function raw.has_utc_offset(t text) returns boolean
language sql immutable parallel safe as $$
  select t ~ '\d\d:\d\d(:\d\d(\.\d+)?)? ?([Zz]|[+-]\d\d(:?\d\d)?)$'
$$;

-- A timestamp with an offset is converted to local utility time; one without is local already.
create or replace function raw.to_local_timestamp(t text, tz text) returns timestamp
language sql stable parallel safe as $$
  select case when raw.has_utc_offset(t) then t::timestamptz at time zone tz else t::timestamp end
$$;

-- The instant a wall time w of zone tz stands for (D60). Its candidates take the UTC offset in force
-- a day before and a day after; those that read back as w are real. One: an ordinary time. Two: the
-- repeated hour when the clocks go back, the earlier (summer time) for the first occurrence in a
-- series, the later for the second, none for a third. None: a time the clocks skip (null).
-- Single expressions without FROM, so PostgreSQL inlines them into the loader's statement.
create or replace function raw.pick_instant(
  w timestamp, tz text, occurrence bigint, i_before timestamptz, i_after timestamptz
) returns timestamptz
language sql stable parallel safe as $$
  select case
    when i_before = i_after then i_before
    when (i_before at time zone tz) = w and (i_after at time zone tz) = w
      then case occurrence when 1 then least(i_before, i_after) when 2 then greatest(i_before, i_after) end
    when (i_before at time zone tz) = w then i_before
    when (i_after at time zone tz) = w then i_after
  end
$$;

create or replace function raw.wall_time_instant(w timestamp, tz text, occurrence bigint) returns timestamptz
language sql stable parallel safe as $$
  select raw.pick_instant(
    w, tz, occurrence,
    ((w - interval '24 hours') at time zone tz) + interval '24 hours',
    ((w + interval '24 hours') at time zone tz) - interval '24 hours'
  )
$$;

-- The UTC offset in force at the instant i in zone tz, as text: +01:00, -05:00.
create or replace function raw.utc_offset_text(i timestamptz, tz text) returns text
language sql stable parallel safe as $$
  select case when o < interval '0' then '-' || to_char(-o, 'HH24:MI') else '+' || to_char(o, 'HH24:MI') end
  from (select (i at time zone tz) - (i at time zone 'UTC') as o) as offsets
$$;

-- Why a landed timestamp without offset names no single instant in zone tz (null when it does):
-- a wall time the clocks skip, or a third row of one series at a wall time that repeats only twice.
create or replace function raw.wall_time_problem(t text, tz text, occurrence bigint) returns text
language sql stable parallel safe as $$
  select case
    when t is null or raw.has_utc_offset(t) or not pg_input_is_valid(t, 'timestamp') then null
    when raw.wall_time_instant(t::timestamp, tz, occurrence) is not null then null
    when raw.wall_time_instant(t::timestamp, tz, 1) is null then format(
      '"%s" is not a time in %s: the clocks skip it, going from UTC%s to UTC%s; give it with its UTC offset',
      t, tz, raw.utc_offset_text((t::timestamp - interval '24 hours') at time zone tz, tz),
      raw.utc_offset_text((t::timestamp + interval '24 hours') at time zone tz, tz))
    else format(
      '"%s" is row %s of this meter at that local time, but it occurs only twice in %s (the clocks go back'
      ' from UTC%s to UTC%s): the instant cannot be told; give it with its UTC offset',
      t, occurrence, tz, raw.utc_offset_text((t::timestamp - interval '24 hours') at time zone tz, tz),
      raw.utc_offset_text((t::timestamp + interval '24 hours') at time zone tz, tz))
  end
$$;

-- The instant of a landed timestamp: its own offset, else its wall time in zone tz (see above).
create or replace function raw.to_instant(t text, tz text, occurrence bigint) returns timestamptz
language sql stable parallel safe as $$
  select case
    when raw.has_utc_offset(t) then t::timestamptz
    else raw.wall_time_instant(t::timestamp, tz, occurrence)
  end
$$;

-- ISO 13616 IBAN: shape, then mod-97 over the rearranged, letter-expanded digits.
create or replace function raw.is_iban(t text) returns boolean
language plpgsql immutable parallel safe as $$
declare
  s text := upper(replace(t, ' ', ''));
  digits text := '';
  c text;
begin
  if s !~ '^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$' then
    return false;
  end if;
  s := substr(s, 5) || substr(s, 1, 4);
  foreach c in array regexp_split_to_array(s, '') loop
    digits := digits || case when c between 'A' and 'Z' then (ascii(c) - 55)::text else c end;
  end loop;
  return digits::numeric % 97 = 1;
end
$$;

create table if not exists raw.load_ledger (
  file_id bigserial primary key,
  folder text not null,
  target text,
  file_name text not null,
  content_sha256 text not null,
  file_bytes bigint not null,
  status text not null check (status in ('loaded', 'quarantined')),
  reason text,
  rows_read bigint not null default 0,
  rows_loaded bigint not null default 0,
  rows_rejected bigint not null default 0,
  superseded_by bigint references raw.load_ledger (file_id),
  started_at timestamptz not null,
  finished_at timestamptz not null default clock_timestamp(),
  check (rows_read = rows_loaded + rows_rejected)
);
-- The file's detected dialect (separator, BOM, CRLF, header row, decimal mark, date style; D56-D58).
alter table raw.load_ledger add column if not exists dialect text;
create index if not exists load_ledger_hash on raw.load_ledger (folder, content_sha256);
create index if not exists load_ledger_name on raw.load_ledger (folder, file_name, target);

create table if not exists raw.rejects (
  file_id bigint not null references raw.load_ledger (file_id),
  target text not null,
  row_no bigint not null,
  raw_values jsonb not null,
  reason text not null,
  rejected_at timestamptz not null default now(),
  primary key (file_id, target, row_no)
);
-- 'rejected': the row was not loaded; 'warning': the row was loaded with an invalid optional field set
-- aside (null), the reason names the field (D101).
alter table raw.rejects add column if not exists kind text not null default 'rejected';
"""


def table_ddl(spec: TableSpec) -> sql.Composed:
    cols = [sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(SQL_TYPES[c.type])) for c in spec.all_columns]
    if spec.instant:
        cols.append(sql.SQL("{} timestamptz").format(sql.Identifier(spec.instant.stored_as)))
    meta = [
        # No foreign key: the loader writes ledger and rows in one transaction, and a per-row
        # FK trigger would halve COPY-class load speed.
        sql.SQL("_file_id bigint not null"),
        sql.SQL("_row_no bigint not null"),
        sql.SQL("_loaded_at timestamptz not null default now()"),
        sql.SQL("_extra jsonb"),
    ]
    return sql.SQL("create table if not exists raw.{} ({})").format(
        sql.Identifier(spec.table), sql.SQL(", ").join(cols + meta)
    )


PAYMENT_TEXTS = SPECS["payments"].same_record.otherwise  # the texts two bank records must share


def texts_key(columns: tuple[str, ...], prefix: str = "") -> str:
    """An indexable key of text columns whose values must all be the same (nulls equal to nulls)."""
    return "md5(" + " || '|' || ".join(f"coalesce({prefix}{c}, '')" for c in columns) + ")"


def texts_key_of(values) -> sql.Composable:
    """texts_key of landed values (value_expr each)."""
    return sql.SQL("md5({})").format(sql.SQL(" || '|' || ").join(sql.SQL("coalesce({}, '')").format(v) for v in values))


INDEXES = (
    "create index if not exists readings_meter on raw.readings (meter_id, read_at)",
    "create index if not exists readings_file on raw.readings (_file_id)",
    "create index if not exists interval_readings_meter on raw.interval_readings (meter_id, read_at)",
    "create index if not exists interval_readings_file on raw.interval_readings (_file_id)",
    "create index if not exists interval_readings_instant on raw.interval_readings (meter_id, read_instant)",
    "create index if not exists payments_id on raw.payments (payment_id)",
    "create index if not exists payments_paid_at on raw.payments (paid_at)",
    "create index if not exists payments_end_to_end on raw.payments (end_to_end_id)",
    # The loader's ways to find a bank record of another file (ingestion.loader.same_record_reason, D73).
    "create index if not exists payments_entry on raw.payments (entry_reference) where entry_reference is not null",
    # Its last column serves a row with an end-to-end id, which compares texts only with rows without one.
    f"create index if not exists payments_texts on raw.payments"
    f" (paid_at, amount, {texts_key(PAYMENT_TEXTS)}, (end_to_end_id is null))",
)


def add_new_columns(conn: psycopg.Connection, spec: TableSpec) -> None:
    """Add the contract's columns a table made before them lacks (only those: ALTER locks the table)."""
    present = {
        name
        for (name,) in conn.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = %s",
            (spec.table,),
        )
    }
    for column in spec.all_columns:
        if column.name not in present:
            conn.execute(
                sql.SQL("alter table raw.{} add column {} {}").format(
                    sql.Identifier(spec.table), sql.Identifier(column.name), sql.SQL(SQL_TYPES[column.type])
                )
            )


def ensure_raw_schema(conn: psycopg.Connection) -> None:
    """Create the raw schema, its helpers and tables if missing (idempotent)."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('m2c.raw_schema'))")
        conn.execute(HELPERS)
        for spec in SPECS.values():
            conn.execute(table_ddl(spec))
            add_new_columns(conn, spec)
            if spec.instant:  # tables created before D59 (their rows' instants: staging reads read_at in the zone)
                conn.execute(
                    sql.SQL("alter table raw.{} add column if not exists {} timestamptz").format(
                        sql.Identifier(spec.table), sql.Identifier(spec.instant.stored_as)
                    )
                )
        add_missing_columns(conn)
        for ddl in INDEXES:
            conn.execute(ddl)


def add_missing_columns(conn: psycopg.Connection) -> None:
    """Add the contract columns a raw table created by an earlier version lacks (e.g. issue 17's)."""
    present = set(
        conn.execute("select table_name, column_name from information_schema.columns where table_schema = 'raw'")
    )
    for spec in SPECS.values():
        for col in spec.all_columns:
            if (spec.table, col.name) not in present:
                conn.execute(
                    sql.SQL("alter table raw.{} add column {} {}").format(
                        sql.Identifier(spec.table), sql.Identifier(col.name), sql.SQL(SQL_TYPES[col.type])
                    )
                )


def value_expr(col: Column) -> sql.Composable:
    """The trimmed text of a landed column, with its default applied."""
    expr = sql.SQL("nullif(btrim(l.{}), '')").format(sql.Identifier(col.name))
    if col.default is not None:
        expr = sql.SQL("coalesce({}, {})").format(expr, sql.Literal(col.default))
    return expr


def cast_expr(col: Column, timezone: str) -> sql.Composable:
    v = value_expr(col)
    if col.type == "date":
        return sql.SQL("({})::date").format(v)
    if col.type == "timestamp":
        return sql.SQL("raw.to_local_timestamp({}, {})").format(v, sql.Literal(timezone))
    if col.type == "decimal":
        return sql.SQL("({})::numeric").format(v)
    if col.type == "int":
        return sql.SQL("({})::integer").format(v)
    if col.type == "iban":
        return sql.SQL("upper(replace({}, ' ', ''))").format(v)
    if col.type == "enum":
        whens = sql.SQL(" ").join(
            sql.SQL("when {} then {}").format(sql.Literal(value.lower()), sql.Literal(value)) for value in col.values
        )
        return sql.SQL("case lower({}) {} end").format(v, whens)
    return v


# Validity tests, inlined per column: PostgreSQL's own input functions (pg_input_is_valid, PG 16)
# behind a cheap character guard that keeps the contract strict (ISO dates, '.' decimals). They
# run about ten times faster than regular expressions, which matters at millions of rows.
_TYPE_CHECKS = {
    "date": (
        "({0} like '____-__-__' and translate({0}, '0123456789-', '') = '' and pg_input_is_valid({0}, 'date'))",
        "is not a date (YYYY-MM-DD)",
    ),
    "timestamp": (
        "({0} like '____-__-__%' and translate({0}, '0123456789-:T .+Z', '') = ''"
        " and pg_input_is_valid({0}, 'timestamp'))",
        "is not a timestamp (YYYY-MM-DDTHH:MM:SS)",
    ),
    "decimal": (
        "(translate({0}, '0123456789.+-', '') = '' and pg_input_is_valid({0}, 'numeric'))",
        "is not a decimal number (use . for decimals)",
    ),
    "int": (
        "(translate({0}, '0123456789+-', '') = '' and pg_input_is_valid({0}, 'integer'))",
        "is not a whole number",
    ),
    "iban": ("raw.is_iban({0})", "is not a valid IBAN (checksum or format)"),
}


def checked_cast_expr(col: Column, timezone: str) -> sql.Composable:
    """The typed value of a landed column, or NULL where it is malformed (a comparison cannot fail on it)."""
    if col.type not in _TYPE_CHECKS:
        return cast_expr(col, timezone)
    test, _ = _TYPE_CHECKS[col.type]
    return sql.SQL("case when {} then {} end").format(sql.SQL(test).format(value_expr(col)), cast_expr(col, timezone))


def reason_expr(col: Column, timezone: str) -> sql.Composable:
    """A CASE yielding this column's reason to reject the row, or NULL when the value is fine.

    A set-aside column never rejects its row: its reason is `warning_expr`'s instead."""
    if col.set_aside:
        return sql.SQL("null")
    return problem_expr(col, timezone)


def warning_expr(col: Column, timezone: str) -> sql.Composable:
    """For a set-aside column: why its value is not loaded (the row is), or NULL when it is fine."""
    if not col.set_aside:
        return sql.SQL("null")
    return sql.SQL("({}) || '; set aside: the row is loaded without it'").format(problem_expr(col, timezone))


def loaded_expr(col: Column, timezone: str) -> sql.Composable:
    """The value loaded for a column: its typed value; for a set-aside column, null when it is invalid."""
    typed = cast_expr(col, timezone)
    if not col.set_aside:
        return typed
    return sql.SQL("case when ({}) is null then {} end").format(problem_expr(col, timezone), typed)


def problem_expr(col: Column, timezone: str) -> sql.Composable:
    """A CASE yielding what is wrong with this column's value (missing, malformed, failing its check)."""
    v = value_expr(col)
    name = sql.Literal(col.name)
    shown = sql.SQL("left({}, 60)").format(v)
    branches: list[sql.Composable] = []
    if col.required:
        branches.append(sql.SQL("when {} is null then {} || ' is missing'").format(v, name))
    if col.type in _TYPE_CHECKS:
        test, words = _TYPE_CHECKS[col.type]
        branches.append(
            sql.SQL("when {} is not null and not {} then format('%s \"%s\" {}', {}, {})").format(
                v, sql.SQL(test).format(v), sql.SQL(words.replace("'", "''")), name, shown
            )
        )
    if col.type == "enum":
        allowed = sql.SQL(", ").join(sql.Literal(value.lower()) for value in col.values)
        described = col.values_name or "one of: " + ", ".join(col.values)
        branches.append(
            sql.SQL(
                "when {} is not null and lower({}) not in ({}) then format('%s \"%s\" is not %s', {}, {}, {})"
            ).format(v, v, allowed, name, shown, sql.Literal(described))
        )
    if col.check:
        typed = cast_expr(col, timezone)
        predicate = sql.SQL(col.check).format(v=typed)
        branches.append(
            sql.SQL("when {} is not null and not ({}) then format('%s %s {}', {}, {})").format(
                v, predicate, sql.SQL((col.check_reason or "fails a check").replace("'", "''")), name, shown
            )
        )
    if not branches:
        return sql.SQL("null")
    return sql.SQL("case {} end").format(sql.SQL(" ").join(branches))


OCCURRENCE = sql.Identifier("_occurrence")
WALL = sql.Identifier("_wall")
INSTANT = sql.Identifier("_instant")


def occurrence_window(spec: TableSpec) -> sql.Composable:
    """The wall time of a valid timestamp without offset (_wall, parsed once) and the row's rank among
    the rows of its series at that wall time, in file order (_occurrence)."""
    if not spec.instant:
        return sql.SQL("")
    v = value_expr(spec.column(spec.instant.column))
    series = [value_expr(spec.column(c)) for c in spec.instant.series]
    wall = sql.SQL(
        "case when not raw.has_utc_offset({v}) and pg_input_is_valid({v}, 'timestamp') then ({v})::timestamp end"
    ).format(v=v)
    return sql.SQL(
        ", {wall} as {wall_name}, row_number() over (partition by {series}, {wall} order by l.row_no) as {occ}"
    ).format(wall=wall, wall_name=WALL, series=sql.SQL(", ").join(series), occ=OCCURRENCE)


def instant_select(spec: TableSpec, timezone: str) -> sql.Composable:
    """The instant of each valid value of the spec's timestamp column, computed once per row (_instant)."""
    if not spec.instant:
        return sql.SQL("")
    v = value_expr(spec.column(spec.instant.column))
    valid = sql.SQL(_TYPE_CHECKS["timestamp"][0]).format(v)
    return sql.SQL(
        ", case when l.{wall} is not null then raw.wall_time_instant(l.{wall}, {tz}, l.{occ})"
        " when {valid} then ({v})::timestamptz end as {instant}"
    ).format(wall=WALL, tz=sql.Literal(timezone), occ=OCCURRENCE, valid=valid, v=v, instant=INSTANT)


def instant_reason(spec: TableSpec, timezone: str) -> sql.Composable:
    """The reason a wall time names no single instant (a skipped or thrice-repeated time), or NULL."""
    if not spec.instant:
        return sql.SQL("null")
    value = value_expr(spec.column(spec.instant.column))
    return sql.SQL("case when l.{} is null then {} || ' ' || raw.wall_time_problem({}, {}, l.{}) end").format(
        INSTANT, sql.Literal(spec.instant.column), value, sql.Literal(timezone), OCCURRENCE
    )
