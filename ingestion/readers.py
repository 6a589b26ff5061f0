"""Readers turn a landed file into tables of text: a header and an iterator of rows.

They check only what makes a file unreadable as a whole (raising ``UnreadableFile``) and put values
written the way spreadsheets write them into the contract's form (ingestion/dialects.py, D56-D58);
typing and validating values is the loader's job, done set-based in PostgreSQL.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ingestion.dialects import (
    DELIMITER_NAMES,
    HEADER_SEARCH_ROWS,
    SAMPLE_ROWS,
    Converter,
    Dialect,
    Rejected,
    gather,
    settle,
    trimmed,
)
from ingestion.specs import SPECS

csv.field_size_limit(10_000_000)

HEAD_BYTES = 65536  # what dialect and header detection look at


class UnreadableFile(Exception):
    """The file cannot be read at all; it is quarantined whole with this reason (and what was detected)."""

    def __init__(self, reason: str, dialect: Dialect | None = None):
        super().__init__(reason)
        self.dialect = dialect


@dataclass
class Table:
    target: str  # raw table name
    header: list[str]
    rows: Iterator[list[str] | Rejected]
    first_row_no: int = 2  # spreadsheet numbering: the header is row 1
    dialect: Dialect | None = None  # described in the load ledger once the rows are read


def normalise_header(names: list[object] | tuple) -> list[str]:
    header = [str(n).strip().lower() if n is not None else "" for n in names]
    while header and header[-1] == "":
        header.pop()
    if not header:
        raise UnreadableFile("the file is empty: no header row")
    if "" in header:
        raise UnreadableFile(f"header column {header.index('') + 1} has no name")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise UnreadableFile(f"header names repeat: {', '.join(dupes)}")
    return header


def known_names(target: str) -> set[str]:
    return {c.name for c in SPECS[target].all_columns}


def column_kinds(header: list[str], target: str) -> list[str | None]:
    types = {c.name: c.type for c in SPECS[target].all_columns}
    return [types.get(name) for name in header]


def naming_count(cells: list[object] | tuple, known: set[str]) -> int:
    return sum(1 for c in cells if isinstance(c, str) and c.strip().lower() in known)


def no_header(target: str, where: str, first: str) -> str:
    required = [c.name for c in SPECS[target].columns if c.required] or [c.name for c in SPECS[target].columns]
    seen = f"; the first row reads '{first[:80]}'" if first else ""
    return (
        f"no header row: none of the first {HEADER_SEARCH_ROWS} {where} names a column of {target} "
        f"(expected {', '.join(required)}){seen}"
    )


# --- CSV --------------------------------------------------------------------------------------------


def _head(path: Path) -> tuple[str, bool]:
    """The first bytes of a CSV as text, and whether it starts with a byte-order mark."""
    with path.open("rb") as handle:
        raw = handle.read(HEAD_BYTES)
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(raw) < HEAD_BYTES or exc.start < len(raw) - 3:  # not just a character cut at the sample's end
            line = raw[: exc.start].count(b"\n") + 1
            raise UnreadableFile(
                f"not UTF-8 text ({exc.reason} 0x{raw[exc.start]:02X} at byte {exc.start}, line {line}; "
                "a spreadsheet saves UTF-8 as 'CSV UTF-8')"
            ) from exc
        text = raw[: exc.start].decode("utf-8-sig")
    if not text.strip():
        raise UnreadableFile("the file is empty")
    return text, bom


def find_csv_header(head: str, target: str) -> tuple[str, int]:
    """(delimiter, 0-based record index of the header): the separator and row that name the most
    contract columns; a tie keeps the contract's ','."""
    known = known_names(target)
    best = (0, 0, ",")
    for delimiter in DELIMITER_NAMES:
        records = csv.reader(io.StringIO(head), delimiter=delimiter)
        for index, record in enumerate(itertools.islice(records, HEADER_SEARCH_ROWS)):
            count = naming_count(record, known)
            if count > best[0]:
                best = (count, index, delimiter)
    if best[0] == 0:
        first = next((line for line in head.splitlines() if line.strip()), "")
        raise UnreadableFile(no_header(target, "lines", first))
    return best[2], best[1]


def _csv_records(path: Path, delimiter: str) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            yield from reader
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"not UTF-8 text ({exc.reason} near row {reader.line_num})") from exc
        except csv.Error as exc:
            raise UnreadableFile(f"CSV cannot be parsed near line {reader.line_num}: {exc}") from exc


def read_csv(path: Path, target: str) -> Table:
    head, bom = _head(path)
    delimiter, header_index = find_csv_header(head, target)
    dialect = Dialect("csv", delimiter=delimiter, bom=bom, crlf="\r\n" in head, header_row=header_index + 1)
    records = _csv_records(path, delimiter)
    raw_header = next(itertools.islice(records, header_index, None))
    header = normalise_header(raw_header)
    dialect.empty_trailing_columns = len(raw_header) - len(header)
    first_row_no = header_index + 2

    def data_rows() -> Iterator[list[str]]:
        return trimmed(itertools.islice(_csv_records(path, delimiter), header_index + 1, None), len(header))

    kinds = column_kinds(header, target)
    rows: Iterator[list[str] | Rejected] = trimmed(records, len(header))
    if delimiter == ",":  # the contract's separator: values are looked at only if a sample needs it (D57)
        sample = gather(itertools.islice(data_rows(), SAMPLE_ROWS), kinds, header, first_row_no)
        dialect.reads_numbers = sample.grouped > 0
        needed = dialect.reads_numbers or sample.non_iso_dates()
    else:
        dialect.reads_numbers = needed = True
    if needed:
        evidence = gather(data_rows(), kinds, header, first_row_no)
        try:
            settle(dialect, evidence, mixed_marks_unreadable=True)
        except ValueError as exc:
            name = DELIMITER_NAMES[delimiter]
            raise UnreadableFile(f"this {name}-separated file {exc}", dialect) from exc
        rows = Converter(header, kinds, dialect).rows(rows)
    return Table(target, header, rows, first_row_no=first_row_no, dialect=dialect)


# --- xlsx -------------------------------------------------------------------------------------------


def _open_workbook(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(f"not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})") from exc


def find_sheet_header(sheet, target: str) -> tuple[int, tuple]:
    """(1-based row number, cells) of the first of the sheet's first rows that names a contract column."""
    known = known_names(target)
    first = ""
    for number, row in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
        if naming_count(row, known):
            return number, row
        if not first and any(c not in (None, "") for c in row):
            first = " | ".join(str(c) for c in row if c not in (None, ""))
    if not first:
        raise UnreadableFile(f"sheet '{sheet.title}' is empty")
    raise UnreadableFile(no_header(target, f"rows of sheet '{sheet.title}'", first))


def _sheet_table(sheet, target: str, epoch_1904: bool = False) -> Table:
    header_row, cells = find_sheet_header(sheet, target)
    header = normalise_header(list(cells))
    width = len(header)
    dialect = Dialect("xlsx", sheet=sheet.title, header_row=header_row, reads_numbers=True, epoch_1904=epoch_1904)
    kinds = column_kinds(header, target)

    def data_rows() -> Iterator[list]:
        for row in trimmed(sheet.iter_rows(min_row=header_row + 1, values_only=True), width):
            yield list(row) + [None] * (width - len(row)) if row else []

    settle(dialect, gather(data_rows(), kinds, header, header_row + 1), mixed_marks_unreadable=False)
    rows = Converter(header, kinds, dialect).rows(data_rows())
    return Table(target, header, rows, first_row_no=header_row + 1, dialect=dialect)


def read_xlsx(path: Path, target: str) -> Table:
    workbook = _open_workbook(path)
    if not workbook.worksheets:
        raise UnreadableFile("the workbook has no sheets")
    return _sheet_table(workbook.worksheets[0], target, workbook.epoch.year == 1904)


def read_tariff_workbook(path: Path) -> list[Table]:
    workbook = _open_workbook(path)
    names = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
    missing = [n for n in ("versions", "blocks") if n not in names]
    if missing:
        raise UnreadableFile(
            f"tariff workbook needs sheets 'versions' and 'blocks'; missing {', '.join(missing)} "
            f"(found: {', '.join(ws.title for ws in workbook.worksheets)})"
        )
    mac = workbook.epoch.year == 1904
    tables = [
        _sheet_table(names["versions"], "tariff_versions", mac),
        _sheet_table(names["blocks"], "tariff_blocks", mac),
    ]
    if "charges" in names:  # optional (billing-rules section 9)
        tables.append(_sheet_table(names["charges"], "tariff_charges", mac))
    return tables


CAMT_COLUMNS = [
    "payment_id",
    "paid_at",
    "amount",
    "currency",
    "channel",
    "reference",
    "reversal_of",
    "end_to_end_id",
    "payer_name",
    "remittance_text",
    "entry_kind",
    "additional_info",
    "debtor_iban",
    "return_reason_code",
    "bank_references",
    "entry_reference",
    "entry_status",
]

# Bank transaction family codes (ISO 20022 BkTxCd/Domn/Fmly) -> the contract's channel.
CAMT_CHANNELS = {
    "RCDT": "bank_transfer",
    "ICDT": "bank_transfer",
    "RDDT": "direct_debit",
    "IDDT": "direct_debit",
    "CNTR": "counter",
    "CCRD": "card",
    "RCCN": "card",
}

# What banks write where a reference is absent: never an identifier (D73).
PLACEHOLDERS = frozenset({"", "NOTPROVIDED", "NOT PROVIDED", "NONREF", "NONE", "N/A", "NA"})

# The ISO 20022 cash-management messages read: statements and debit/credit notifications, every
# schema version (camt.053.001.02 to .001.13, camt.054.001.02 to .001.13 share the Ntry layout).
CAMT_MESSAGES = ("camt.053", "camt.054")


def identifier(value: str) -> str:
    """The value as an identifier, or '' when it is a placeholder such as NOTPROVIDED or NONREF."""
    return "" if value.strip().upper() in PLACEHOLDERS else value.strip()


NO_TRANSACTION = "#0/"  # the prefix of an entry without <TxDtls>: no path starts with it


def _index(entry, strip: int) -> tuple[dict[str, list], list[str]]:
    """The entry's descendants by local-name path ('BkTxCd/Domn/Fmly/Cd'), and the path prefix of
    each of its <TxDtls>: the n-th transaction's end-to-end id is at '#n/Refs/EndToEndId'.

    One pass over the subtree, no recursion: camt ingest is bound by the time spent per element here.
    """
    prefixes = {entry: ""}
    paths: dict[str, list] = {}
    transactions: list[str] = []
    for element in entry.iterdescendants():
        tag = element.tag
        if isinstance(tag, str):  # skips comments and processing instructions
            prefix = prefixes[element.getparent()]
            name = tag[strip:]
            if name == "TxDtls" and prefix == "NtryDtls/":
                transactions.append(f"#{len(transactions) + 1}/")
                prefixes[element] = transactions[-1]
                continue
            key = prefix + name
            prefixes[element] = key + "/"
            found = paths.get(key)
            if found is None:
                paths[key] = [element]
            else:
                found.append(element)
    return paths, transactions or [NO_TRANSACTION]


def _texter(paths: dict[str, list], prefix: str = ""):
    """text(*candidates): the first non-blank text among the paths under prefix, stripped; else ''."""

    def text(*candidates: str) -> str:
        for path in candidates:
            found = paths.get(prefix + path)
            if found and (found[0].text or "").strip():
                return found[0].text.strip()
        return ""

    return text


def _amount(paths: dict[str, list], prefix: str):
    """The transaction's own <Amt> element (AmtDtls/TxAmt/Amt, else Amt), or None."""
    for path in ("AmtDtls/TxAmt/Amt", "Amt"):
        found = paths.get(prefix + path)
        if found and (found[0].text or "").strip():
            return found[0]
    return None


def _adds_up(amounts: list, entry_amount) -> bool:
    """Whether a batch's transaction amounts are all there, in the entry's currency, and sum to the
    entry's amount: only then is it split (D72); else the money booked is the entry's amount."""
    if entry_amount is None or any(amount is None for amount in amounts):
        return False
    currency = entry_amount.get("Ccy", "")
    try:
        total = sum(Decimal(amount.text.strip()) for amount in amounts)
        return all(a.get("Ccy", "") == currency for a in amounts) and total == Decimal(entry_amount.text.strip())
    except (InvalidOperation, AttributeError):  # a malformed or empty amount
        return False


def _amount_key(amount) -> str:
    """An <Amt> element as '<amount>|<currency>', the amount without trailing decimal zeros ('80.00' and
    '80' are one amount; string work, as this runs once per entry)."""
    if amount is None:
        return "|"
    value = (amount.text or "").strip()
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return f"{value}|{amount.get('Ccy', '')}"


def content_id(parts: list[str]) -> str:
    """A stable id for a transaction the bank gave no reference: a hash of what it says (D73)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()
    return f"CAMT-{digest.upper()}"


def camt_entry_rows(entry, strip: int) -> list[list[str]]:
    """One camt.053/.054 <Ntry> as payments rows: one per <TxDtls> when it is a batch whose
    transactions each carry an amount (else the entry is one payment), in CAMT_COLUMNS order.

    `payment_id` is the entry's AcctSvcrRef ('/<n>' for the n-th transaction of a batch); an entry
    without one gets `content_id` of what the transaction says, so the same entry in a re-sent
    statement or in a camt.054 is the same payment (D73). `bank_references` lists, space-separated,
    the references the bank or payer gave the transaction (the entry's AcctSvcrRef with '/<n>',
    EndToEndId, the transaction's AcctSvcrRef, InstrId and TxId), and `entry_reference` names a batch
    entry as a whole ('<AcctSvcrRef>|<entry amount>|<currency>'): the loader takes a transaction of another
    file sharing one of the first on the same date and amount, or its entry, for the same payment (D73).
    `entry_kind` says credit, reversal or debit: a debit with return information (<RtrInf>) is a
    reversal even without <RvslInd>; a reversal's `reversal_of` is its end-to-end id. `entry_status`
    is the entry's <Sts> (BOOK, PDNG, INFO): the loader takes only booked entries.
    """
    paths, transactions = _index(entry, strip)
    text = _texter(paths)
    entry_amount = paths.get("Amt", [None])[0]
    split = len(transactions) > 1 and _adds_up([_amount(paths, tx) for tx in transactions], entry_amount)
    # NtryRef is unique only within its message (ISO 20022), and banks number entries 1, 2, ... in each:
    # neither an id nor a reference to match by.
    entry_ref = identifier(text("AcctSvcrRef"))
    # The value date, as a date or a date-time, else the booking date; an xs:date may carry a zone (+01:00).
    booked = (text("ValDt/Dt") or text("ValDt/DtTm") or text("BookgDt/Dt") or text("BookgDt/DtTm"))[:10]
    channel = CAMT_CHANNELS.get(text("BkTxCd/Domn/Fmly/Cd"), "bank_transfer")
    reversal = text("RvslInd").lower() == "true"
    status = text("Sts/Cd", "Sts")
    batch = len(transactions) > 1 or "NtryDtls/Btch" in paths  # only a batch can be booked whole or in parts
    entry_reference = f"{entry_ref}|{_amount_key(entry_amount)}" if entry_ref and batch else ""
    entry_info = text("AddtlNtryInf")
    rows = []
    for position, tx in enumerate(transactions if split else transactions[:1], start=1):
        tx_text = _texter(paths, tx)
        members = transactions if not split else [tx]
        structured = " ".join(filter(None, (_texter(paths, t)("RmtInf/Strd/CdtrRefInf/Ref") for t in members)))
        unstructured = " ".join(
            (u.text or "").strip() for t in members for u in paths.get(t + "RmtInf/Ustrd", []) if (u.text or "").strip()
        )
        amount = _amount(paths, tx) if split else entry_amount
        credit = (tx_text("CdtDbtInd") if split else "") or text("CdtDbtInd")
        returned = reversal or (credit == "DBIT" and tx + "RtrInf" in paths)
        kind = "reversal" if returned and credit != "CRDT" else ("credit" if credit == "CRDT" else "debit")
        end_to_end = identifier(tx_text("Refs/EndToEndId"))
        info = " ".join(dict.fromkeys(filter(None, (tx_text("AddtlTxInf"), entry_info))))
        debtor_iban = tx_text("RltdPties/DbtrAcct/Id/IBAN")
        amount_text = (amount.text or "").strip() if amount is not None else ""
        currency = amount.get("Ccy", "") if amount is not None else ""
        refs = [identifier(tx_text(f"Refs/{r}")) for r in ("AcctSvcrRef", "InstrId", "TxId", "MndtId")]
        bank_refs = [f"{entry_ref}/{position}" if split else entry_ref] if entry_ref else []
        if entry_ref:
            payment_id = bank_refs[0]
        else:
            said = [booked, amount_text, currency, credit, str(reversal), end_to_end, *refs, debtor_iban]
            # A transaction with a reference of its own is that reference: a camt.054 may word its texts
            # differently from the camt.053 of the same transfer, or report a batch's transfers apart.
            texts = [] if end_to_end or any(refs) else [structured, unstructured, info, str(position)]
            payment_id = content_id(said + texts)
        rows.append(
            [
                payment_id,
                booked,
                amount_text,
                currency,
                channel,
                structured or unstructured,
                end_to_end if kind == "reversal" else "",
                end_to_end,
                tx_text("RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm"),
                unstructured,
                kind,
                info,
                debtor_iban,
                tx_text("RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry") if returned else "",  # D84
                " ".join(dict.fromkeys(r for r in (*bank_refs, end_to_end, *refs[:3]) if r)),
                entry_reference,
                status,
            ]
        )
    return rows


def camt_entry_row(entry, strip: int) -> list[str]:
    """The first payments row of an entry (see camt_entry_rows)."""
    return camt_entry_rows(entry, strip)[0]


def _numbered(rows: list[list[str]], seen: dict[str, int]) -> list[list[str]]:
    """Content ids made unique within a file: the k-th identical transaction gets '-k' (k >= 2)."""
    for row in rows:
        if row[0].startswith("CAMT-"):
            count = seen[row[0]] = seen.get(row[0], 0) + 1
            if count > 1:
                row[0] = f"{row[0]}-{count}"
    return rows


def read_camt(path: Path) -> Table:
    """Stream the <Ntry> elements of a camt.053 statement or camt.054 notification (any version)
    without holding the document in memory; each becomes one payment per transaction (camt_entry_rows)."""
    from lxml import etree

    try:
        _, root = next(etree.iterparse(str(path), events=("start",)))
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"not well-formed XML ({exc})") from exc
    except StopIteration as exc:
        raise UnreadableFile("the file is empty") from exc
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    if qname.localname != "Document" or not any(m in namespace for m in CAMT_MESSAGES):
        raise UnreadableFile(
            f"not a camt.053 statement or camt.054 notification (root <{qname.localname}> in namespace '{namespace}')"
        )
    ns = f"{{{namespace}}}"

    def rows() -> Iterator[list[str]]:
        seen: dict[str, int] = {}
        try:
            for _, entry in etree.iterparse(str(path), events=("end",), tag=f"{ns}Ntry"):
                yield from _numbered(camt_entry_rows(entry, len(ns)), seen)
                entry.clear()
                while entry.getprevious() is not None:
                    del entry.getparent()[0]
        except etree.XMLSyntaxError as exc:
            raise UnreadableFile(f"XML breaks off or is malformed ({exc})") from exc

    return Table("payments", list(CAMT_COLUMNS), rows(), first_row_no=1)  # payments count from 1


# A tariff CSV's sheet, by a word of its file name; versions first (ingestion.loader.landed_files).
TARIFF_CSV_WORDS = (("tariff_versions", "version"), ("tariff_blocks", "block"), ("tariff_charges", "charge"))


def read_file(path: Path, folder: str, targets: tuple[str, ...]) -> list[Table]:
    """Dispatch on folder and extension; raise UnreadableFile for unsupported or unreadable files."""
    suffix = path.suffix.lower()
    if folder == "tariffs":
        if suffix == ".xlsx":
            return read_tariff_workbook(path)
        if suffix == ".csv":
            stem = path.stem.lower()
            for target, word in TARIFF_CSV_WORDS:
                if word in stem:
                    return [read_csv(path, target)]
            raise UnreadableFile("a tariff CSV must be named for its sheet: versions*.csv, blocks*.csv or charges*.csv")
    target = targets[0]
    if suffix == ".csv":
        return [read_csv(path, target)]
    if suffix == ".xlsx":
        return [read_xlsx(path, target)]
    if suffix == ".xml" and folder == "payments":
        from ingestion.pain002 import is_pain002, read_pain002  # pain002 reuses this module's Table

        return [read_pain002(path) if is_pain002(path) else read_camt(path)]
    raise UnreadableFile(f"unsupported file type '{suffix or path.name}' in {folder}/")
