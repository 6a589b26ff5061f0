"""Load landed files into the raw schema: COPY, set-based validation, rejects, and the load ledger.

Each file loads in one transaction: its ledger row, good rows and rejects commit together, so
rows read = rows loaded + rows rejected holds for every file (a CHECK on the ledger enforces it).
A file is identified by its content hash: the same bytes dropped again change nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ingestion.dialects import DELIMITER_NAMES, Rejected
from ingestion.readers import TARIFF_CSV_WORDS, Table, UnreadableFile, read_file
from ingestion.schema import (
    INSTANT,
    WALL,
    checked_cast_expr,
    ensure_raw_schema,
    instant_reason,
    instant_select,
    loaded_expr,
    occurrence_window,
    reason_expr,
    texts_key,
    texts_key_of,
    value_expr,
    warning_expr,
)
from ingestion.specs import FOLDERS, SPECS, TableSpec

COPY_BATCH_ROWS = 20_000
SUPPORTED_SUFFIXES = {".csv", ".xlsx", ".xml"}


@dataclass
class TargetCounts:
    target: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    dialect: str | None = None  # how the file was written, as detected (D56-D58)


@dataclass
class FileResult:
    folder: str
    file_name: str
    status: str  # loaded | quarantined | skipped (already loaded)
    reason: str | None = None
    targets: list[TargetCounts] = field(default_factory=list)


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def landed_files(landing: Path, folders: Iterable[str] | None = None) -> list[tuple[str, Path]]:
    """(folder, path) of every file in the known sub-folders, in a stable order (folder, load_order, name)."""
    found = []
    for folder in folders or FOLDERS:
        directory = landing / folder
        if directory.is_dir():
            files = sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
            found += [(folder, p) for p in sorted(files, key=load_order(folder))]
    return found


def load_order(folder: str):
    """Sort key of a folder's files: by name, but tariff versions before the blocks and charges that
    refer to them (a charge of a version no file has landed is rejected, D89)."""
    if folder != "tariffs":
        return lambda path: 0
    words = [word for _target, word in TARIFF_CSV_WORDS]
    return lambda path: next((i for i, word in enumerate(words) if word in path.stem.lower()), len(words))


def ingest_landing(
    conn: psycopg.Connection,
    landing: Path,
    folders: Iterable[str] | None = None,
    quarantine: Path | None = None,
    timezone_name: str = "UTC",
) -> list[FileResult]:
    ensure_raw_schema(conn)
    results = [
        ingest_file(conn, landing, folder, path, quarantine, timezone_name)
        for folder, path in landed_files(landing, folders)
    ]
    analyze_loaded(conn, results)
    return results


def analyze_loaded(conn: psycopg.Connection, results: list[FileResult]) -> None:
    """Fresh planner statistics for every raw table that received rows. The billing run follows the load
    before autovacuum's next round, and with a table's statistics from before the load the planner chose
    nested loops (int_payments_matched at 10,000 accounts: 17.6 s, 0.3 s once analyzed)."""
    for table in sorted({t.target for r in results for t in r.targets if t.rows_loaded}):
        conn.execute(sql.SQL("analyze raw.{}").format(sql.Identifier(table)))
    conn.commit()


def ingest_file(
    conn: psycopg.Connection,
    landing: Path,
    folder: str,
    path: Path,
    quarantine: Path | None = None,
    timezone_name: str = "UTC",
) -> FileResult:
    name = path.relative_to(landing / folder).as_posix()
    sha, size = file_digest(path)
    started = datetime.now(UTC)
    seen = conn.execute(
        "select 1 from raw.load_ledger where folder = %s and content_sha256 = %s limit 1", (folder, sha)
    ).fetchone()
    conn.commit()
    if seen:
        return FileResult(folder, name, "skipped", "the same content was loaded before")
    try:
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise UnreadableFile(f"unsupported file type '{path.suffix or path.name}' in {folder}/")
        with conn.transaction():
            tables = read_file(path, folder, FOLDERS[folder])
            counts = [
                _load_table(conn, SPECS[t.target], t, folder, name, sha, size, started, timezone_name) for t in tables
            ]
        return FileResult(folder, name, "loaded", targets=counts)
    except UnreadableFile as exc:
        reason, dialect = str(exc), exc.dialect.describe() if exc.dialect else None
    except (psycopg.errors.DataError, psycopg.errors.ProgramLimitExceeded) as exc:
        # A value the contract lets through but the database cannot store or index: the file waits in
        # quarantine with the database's words, and the other files load.
        reason, dialect = f"the database refused the file's content: {exc.diag.message_primary}", None
    _quarantine(conn, folder, name, sha, size, started, reason, dialect, path, quarantine)
    return FileResult(folder, name, "quarantined", reason)


def _quarantine(conn, folder, name, sha, size, started, reason, dialect, path: Path, quarantine: Path | None) -> None:
    if quarantine is not None:
        target = quarantine / folder / f"{sha[:12]}_{path.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    with conn.transaction():
        conn.execute(
            """insert into raw.load_ledger
                 (folder, file_name, content_sha256, file_bytes, status, reason, started_at, dialect)
               values (%s, %s, %s, %s, 'quarantined', %s, %s, %s)""",
            (folder, name, sha, size, reason, started, dialect),
        )


def _load_table(
    conn: psycopg.Connection,
    spec: TableSpec,
    table: Table,
    folder: str,
    name: str,
    sha: str,
    size: int,
    started: datetime,
    timezone_name: str,
) -> TargetCounts:
    known = {c.name for c in spec.all_columns}
    missing = [c.name for c in spec.columns if c.required and c.name not in table.header]
    if missing:
        raise UnreadableFile(f"{table.target}: required column(s) missing from the header: {', '.join(missing)}")
    file_id = conn.execute(
        """insert into raw.load_ledger (folder, target, file_name, content_sha256, file_bytes, status, started_at)
           values (%s, %s, %s, %s, %s, 'loaded', %s) returning file_id""",
        (folder, table.target, name, sha, size, started),
    ).fetchone()[0]

    extras = [h for h in table.header if h not in known]
    land_columns = ["row_no"] + [c.name for c in spec.all_columns] + extras
    conn.execute(
        sql.SQL("create temp table _land ({}) on commit drop").format(
            sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL("bigint" if c == "row_no" else "text"))
                for c in land_columns
            )
        )
    )
    rows_read, malformed = _copy_rows(conn, table)
    counts = TargetCounts(table.target, rows_read=rows_read)
    if spec.same_record:
        # Before the insert, in a statement of its own: probes that run while the insert adds rows of the
        # same day walk every one of them in the indexes (invisible, but visited): quadratic in a file.
        conn.execute("create temp table _same (row_no bigint primary key, reason text not null) on commit drop")
        conn.execute(_same_records(spec, timezone_name, folder, name))
    with conn.cursor() as cur:
        cur.execute(_validate_and_insert(spec, file_id, extras, timezone_name, folder, name))
        counts.rows_loaded = cur.rowcount
    if malformed:
        with conn.cursor() as cur:
            cur.executemany(
                "insert into raw.rejects (file_id, target, row_no, raw_values, reason) values (%s, %s, %s, %s, %s)",
                [(file_id, table.target, row_no, Jsonb(values), reason) for row_no, values, reason in malformed],
            )
    counts.rows_rejected = rows_read - counts.rows_loaded
    counts.dialect = table.dialect.describe() if table.dialect else None  # complete once the rows are read
    conn.execute(
        """update raw.load_ledger set rows_read = %s, rows_loaded = %s, rows_rejected = %s, dialect = %s,
               finished_at = clock_timestamp()
           where file_id = %s""",
        (counts.rows_read, counts.rows_loaded, counts.rows_rejected, counts.dialect, file_id),
    )
    conn.execute(
        """update raw.load_ledger set superseded_by = %s
           where folder = %s and file_name = %s and target = %s and file_id < %s
             and status = 'loaded' and superseded_by is null""",
        (file_id, folder, name, table.target, file_id),
    )
    conn.execute("drop table _land")
    if spec.same_record:
        conn.execute("drop table _same")
    return counts


def _copy_rows(conn: psycopg.Connection, table: Table) -> tuple[int, list[tuple[int, dict, str]]]:
    """COPY well-shaped rows into _land; return rows read and the malformed ones with reasons."""
    width = len(table.header)
    delimiter = table.dialect.delimiter if table.dialect and table.dialect.kind == "csv" else ","
    separated = f" (fields separated by {DELIMITER_NAMES[delimiter]} '{delimiter}')" if delimiter != "," else ""
    malformed: list[tuple[int, dict, str]] = []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows_read = 0
    columns = sql.SQL(", ").join(map(sql.Identifier, ["row_no", *table.header]))
    with conn.cursor().copy(sql.SQL("copy _land ({}) from stdin (format csv)").format(columns)) as copy:
        batch: list[list[object]] = []
        for offset, row in enumerate(table.rows):
            if isinstance(row, Rejected):
                rows_read += 1
                malformed.append((table.first_row_no + offset, _named(table.header, row.values), row.reason))
                continue
            if not row or (len(row) == 1 and row[0].strip() == ""):
                continue  # a blank line is not a row (readers turn an all-empty row into [])
            rows_read += 1
            row_no = table.first_row_no + offset
            if len(row) != width:
                reason = f"row has {len(row)} fields but the header has {width}{separated}"
                malformed.append((row_no, _named(table.header, row), reason))
                continue
            batch.append([row_no, *row])
            if len(batch) >= COPY_BATCH_ROWS:
                writer.writerows(batch)
                copy.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
                batch.clear()
        writer.writerows(batch)
        copy.write(buffer.getvalue())
    return rows_read, malformed


def _named(header: list[str], row: list[str]) -> dict[str, str]:
    """A row's values by column name; fields past the header as _field_N."""
    width = len(header)
    named = dict(zip(header, row[:width], strict=False))
    return named | {f"_field_{i + 1}": v for i, v in enumerate(row[width:], width)}


SAME_RANK = sql.Identifier("_same_rank")
# The reason a same_record_reason probe gives, naming the loaded row's id and file.
SAME_AS = sql.SQL("""format('the same transaction as %s "%s", already loaded from %s', {}, {}, {})""")


def _same_records(spec: TableSpec, timezone_name: str, folder: str, name: str) -> sql.Composed:
    """Fill _same with the landed rows that are rows of another file under another id, with the reason
    (same_record_reason). Only rows that some loaded row could be are probed: one with the same first two
    `equal` values (date and amount), or with the same `entry`."""
    same = spec.same_record
    assert same is not None

    def value(column: str) -> sql.Composable:
        return checked_cast_expr(spec.column(column), timezone_name)

    first, second = same.equal[:2]
    return sql.SQL(
        """insert into _same
           select row_no, reason from (
             select l.row_no, {reason} as reason
             from (select l.*{window} from _land as l) as l
             where
               exists (select 1 from raw.{table} as p where p.{first} = {first_value} and p.{second} = {second_value})
               or exists (select 1 from raw.{table} as p where p.{entry} = {entry_value})
           ) as probed
           where reason is not null"""
    ).format(
        reason=same_record_reason(spec, timezone_name, folder, name),
        window=same_rank_window(spec),
        table=sql.Identifier(spec.table),
        first=sql.Identifier(first),
        first_value=value(first),
        second=sql.Identifier(second),
        second_value=value(second),
        entry=sql.Identifier(same.entry),
        entry_value=value(same.entry),
    )


def same_rank_window(spec: TableSpec) -> sql.Composable:
    """The row's rank, in file order, among the rows of its file with the same values in the columns
    that make two rows without references the same (spec.same_record: equal, then otherwise)."""
    if not spec.same_record:
        return sql.SQL("")
    columns = (*spec.same_record.equal, *spec.same_record.otherwise)
    return sql.SQL(", row_number() over (partition by {} order by l.row_no) as {}").format(
        sql.SQL(", ").join(value_expr(spec.column(c)) for c in columns), SAME_RANK
    )


def same_record_reason(spec: TableSpec, timezone_name: str, folder: str, name: str) -> sql.Composable:
    """The reason to reject a row that is a row of another file under another id (spec.same_record, D73),
    naming that row's id and file; NULL otherwise. Three ways to be the same, each led by an index that
    finds the few candidates (thousands of transfers of one amount on one day are common: advance payments):
    - this row's references (`references`) name the loaded row's id or own id (`own_id`), with the same
      `equal` values and no conflicting `compatible` value;
    - the same `entry` (the whole entry the row is a part of, or the parts the row is the whole of) on the
      same date, currency and kind;
    - the same `equal` and `otherwise` values (the texts) and no conflicting `compatible` value, whatever
      the references (a notification may give a transfer other references than its statement): the k-th
      such row of this file is a copy only when the other files hold at least k, so one earlier row never
      stands for two payments.
    """
    same = spec.same_record
    assert same is not None
    key = spec.unique_in_file[0]

    def pair(column: str) -> tuple[sql.Identifier, sql.Composable]:
        return sql.Identifier(column), checked_cast_expr(spec.column(column), timezone_name)

    def equal(columns: tuple[str, ...]) -> list[sql.Composable]:
        return [sql.SQL("p.{} = {}").format(*pair(c)) for c in columns]

    compatible = [sql.SQL("(p.{0} is null or {1} is null or p.{0} = {1})").format(*pair(c)) for c in same.compatible]
    references, entry = pair(same.references), pair(same.entry)
    texts = sql.SQL("{} = {}").format(
        sql.SQL(texts_key(same.otherwise, "p.")), texts_key_of(value_expr(spec.column(c)) for c in same.otherwise)
    )
    fields = {
        "same_as": SAME_AS.format(
            sql.Literal(key), sql.SQL("p.{}").format(sql.Identifier(key)), sql.SQL("f.file_name")
        ),
        "counted_as": SAME_AS.format(
            sql.Literal(key), sql.SQL("min(m.{})").format(sql.Identifier(key)), sql.SQL("min(m.file_name)")
        ),
        "key": sql.Identifier(key),
        "table": sql.Identifier(spec.table),
        "elsewhere": sql.SQL("p.{} is distinct from {} and not (f.folder = {} and f.file_name = {})").format(
            sql.Identifier(key), value_expr(spec.column(key)), sql.Literal(folder), sql.Literal(name)
        ),
        "rank": SAME_RANK,
    }
    found = sql.SQL(
        """(select {same_as}
           from raw.{table} p join raw.load_ledger f on f.file_id = p._file_id
           where {conditions} and {elsewhere} limit 1)"""
    )
    # A loaded row whose id or own id is among this row's references; offset 0: their indexes lead, not
    # one on the date that would walk every row of a day of many payments.
    named = sql.SQL(
        """(select {same_as}
           from (
             select * from raw.{table} as p where p.{column} = any(string_to_array({references}, ' ')) offset 0
           ) as p join raw.load_ledger f on f.file_id = p._file_id
           where {conditions} and {elsewhere} limit 1)"""
    )
    by_reference = [
        named.format(
            column=sql.Identifier(column),
            references=references[1],
            conditions=sql.SQL(" and ").join([*equal(same.equal), *compatible]),
            **fields,
        )
        for column in (key, same.own_id)
    ]
    by_entry = found.format(
        conditions=sql.SQL(" and ").join(
            [*equal(tuple(c for c in same.equal if c != "amount")), sql.SQL("p.{0} = {1}").format(*entry)]
        ),
        **fields,
    )
    # The k-th row of this file with these texts is a copy when other files hold k: count up to k only.
    counted = sql.SQL(
        """(select {counted_as}
           from (
             select p.{key}, f.file_name
             from raw.{table} p join raw.load_ledger f on f.file_id = p._file_id
             where {conditions} and {elsewhere} limit l.{rank}
           ) as m
           having count(*) >= l.{rank})"""
    )
    by_texts = [*equal(same.equal), *compatible, texts]
    own_id = pair(same.own_id)
    # A row with its own id meets rows with the same id by reference: by texts only rows without one.
    return sql.SQL("coalesce({}, {}, {}, case when {} is null then {} else {} end)").format(
        *by_reference,
        by_entry,
        own_id[1],
        counted.format(conditions=sql.SQL(" and ").join(by_texts), **fields),
        counted.format(
            conditions=sql.SQL(" and ").join([*by_texts, sql.SQL("p.{} is null").format(own_id[0])]), **fields
        ),
    )


def known_key_reason(spec: TableSpec) -> sql.Composable:
    """A CASE rejecting a row whose key (spec.known_in) is in no row of the table it refers to (D89).

    Keys compare as the contract's text (ISO dates), so a malformed key is rejected for its type only.
    """
    assert spec.known_in is not None
    table, columns, words = spec.known_in
    values = [value_expr(spec.column(c)) for c in columns]
    matches = sql.SQL(" and ").join(
        sql.SQL("k.{}::text = {}").format(sql.Identifier(c), v) for c, v in zip(columns, values, strict=True)
    )
    shown = sql.SQL(" || ' ' || ").join(sql.SQL("coalesce({}, '')").format(v) for v in values)
    return sql.SQL(
        "case when {present} and not exists (select 1 from raw.{table} k where {matches})"
        " then format('%s %s', {shown}, {words}) end"
    ).format(
        present=sql.SQL(" and ").join(sql.SQL("{} is not null").format(v) for v in values),
        table=sql.Identifier(table),
        matches=matches,
        shown=shown,
        words=sql.Literal(words),
    )


def _validate_and_insert(
    spec: TableSpec, file_id: int, extras: list[str], timezone_name: str, folder: str, name: str
) -> sql.Composed:
    """One statement: validate every landed row, insert the good ones, reject the rest with reasons.

    It runs without bind parameters (values are literals) because the reasons use format('%s').
    """
    reasons: list[sql.Composable] = [reason_expr(c, timezone_name) for c in spec.all_columns]
    reasons.append(instant_reason(spec, timezone_name))
    warnings = [warning_expr(c, timezone_name) for c in spec.all_columns if c.set_aside] or [sql.SQL("null")]
    window = occurrence_window(spec)
    if spec.unique_in_file:
        keys = sql.SQL(", ").join(value_expr(spec.column(k)) for k in spec.unique_in_file)
        window += sql.SQL(", min(l.row_no) over (partition by {}) as _first_row").format(keys)
        key_names = sql.Literal(", ".join(spec.unique_in_file))
        reasons.append(
            sql.SQL(
                "case when l.row_no > l._first_row"
                " then format('duplicate %s: the same as row %s', {}, l._first_row) end"
            ).format(key_names)
        )
    if spec.known_in:
        reasons.append(known_key_reason(spec))
    if spec.unique_across_files:
        key = spec.unique_in_file[0]
        reasons.append(
            sql.SQL(
                """case when exists (
                     select 1 from raw.{table} p
                     join raw.load_ledger f on f.file_id = p._file_id
                     where p.{key} = {value} and not (f.folder = {folder} and f.file_name = {name})
                   ) then format('%s "%s" was already loaded from another file', {key_name}, {value}) end"""
            ).format(
                table=sql.Identifier(spec.table),
                key=sql.Identifier(key),
                value=value_expr(spec.column(key)),
                folder=sql.Literal(folder),
                name=sql.Literal(name),
                key_name=sql.Literal(key),
            )
        )
        if spec.same_record:
            reasons.append(sql.SQL("(select s.reason from _same as s where s.row_no = l.row_no)"))
    target_columns = [c.name for c in spec.all_columns]
    casts = [loaded_expr(c, timezone_name) for c in spec.all_columns]
    if spec.instant:  # its local time from the parsed wall time, else from the instant (no second parse)
        local = sql.SQL("coalesce(l.{}, l.{} at time zone {})").format(WALL, INSTANT, sql.Literal(timezone_name))
        casts[target_columns.index(spec.instant.column)] = local
        target_columns.append(spec.instant.stored_as)
        casts.append(sql.SQL("l.{}").format(INSTANT))
    if extras:
        extra = sql.SQL("nullif(jsonb_strip_nulls(jsonb_build_object({})), '{{}}'::jsonb)").format(
            sql.SQL(", ").join(sql.SQL("{}, l.{}").format(sql.Literal(e), sql.Identifier(e)) for e in extras)
        )
    else:
        extra = sql.SQL("null::jsonb")
    return sql.SQL(
        """with checked as materialized (
             select l.*, concat_ws('; ', {reasons}) as _reason, concat_ws('; ', {warnings}) as _warning
             -- offset 0 keeps the instant a column computed once, not an expression inlined per use
             from (select l.*{instant} from (select l.*{window} from _land as l) as l offset 0) as l
           ),
           rejected as (
             insert into raw.rejects (file_id, target, row_no, raw_values, reason, kind)
             select {file_id}, {target}, c.row_no,
                    jsonb_strip_nulls(
                      to_jsonb(c)
                      - array['row_no', '_reason', '_warning', '_first_row', '_occurrence', '_wall', '_instant']
                    ),
                    concat_ws('; ', nullif(c._reason, ''), nullif(c._warning, '')),
                    case when c._reason <> '' then 'rejected' else 'warning' end
             from checked as c
             where c._reason <> '' or c._warning <> ''
           )
           insert into raw.{table} ({columns}, _file_id, _row_no, _extra)
           select {casts}, {file_id}, l.row_no, {extra}
           from checked as l
           where l._reason = ''"""
    ).format(
        reasons=sql.SQL(", ").join(reasons),
        warnings=sql.SQL(", ").join(warnings),
        file_id=sql.Literal(file_id),
        window=window,
        instant=instant_select(spec, timezone_name),
        target=sql.Literal(spec.table),
        table=sql.Identifier(spec.table),
        columns=sql.SQL(", ").join(map(sql.Identifier, target_columns)),
        casts=sql.SQL(", ").join(casts),
        extra=extra,
    )
