"""Readers turn a landed file into tables of text: a header and an iterator of rows.

They check only what makes a file unreadable as a whole (raising ``UnreadableFile``); typing and
validating values is the loader's job, done set-based in PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

csv.field_size_limit(10_000_000)


class UnreadableFile(Exception):
    """The file cannot be read at all; it is quarantined whole with this reason."""


@dataclass
class Table:
    target: str  # raw table name
    header: list[str]
    rows: Iterator[list[str]]
    first_row_no: int = 2  # spreadsheet numbering: the header is row 1


def normalise_header(names: list[object]) -> list[str]:
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


def read_csv(path: Path, target: str) -> Table:
    handle = path.open(encoding="utf-8-sig", newline="")
    try:
        first = handle.read(65536)
        handle.seek(0)
    except UnicodeDecodeError as exc:
        handle.close()
        raise UnreadableFile(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not first.strip():
        handle.close()
        raise UnreadableFile("the file is empty")
    reader = csv.reader(handle)
    header = normalise_header(next(reader))

    def rows() -> Iterator[list[str]]:
        with handle:
            try:
                yield from reader
            except UnicodeDecodeError as exc:
                raise UnreadableFile(f"not UTF-8 text ({exc.reason} near row {reader.line_num})") from exc
            except csv.Error as exc:
                raise UnreadableFile(f"CSV cannot be parsed near line {reader.line_num}: {exc}") from exc

    return Table(target, header, rows())


def cell_text(value: object) -> str:
    """An Excel cell as the text the contract expects (ISO dates, '.' decimals)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T") if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        # Excel stores numbers as doubles; the shortest repr is the number the user typed.
        text = repr(value)
        return str(int(value)) if value.is_integer() else format(Decimal(text), "f")
    return str(value)


def _open_workbook(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(f"not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})") from exc


def _sheet_table(sheet, target: str) -> Table:
    values = sheet.iter_rows(values_only=True)
    try:
        header_row = next(values)
    except StopIteration as exc:
        raise UnreadableFile(f"sheet '{sheet.title}' is empty") from exc
    header = normalise_header(list(header_row))
    width = len(header)

    def rows() -> Iterator[list[str]]:
        for row in values:
            cells = [cell_text(v) for v in row]
            # Excel reports trailing empty cells; trim them beyond the header, keep real extras.
            while len(cells) > width and cells[-1] == "":
                cells.pop()
            if any(cells):
                yield cells + [""] * (width - len(cells))

    return Table(target, header, rows())


def read_xlsx(path: Path, target: str) -> Table:
    workbook = _open_workbook(path)
    if not workbook.worksheets:
        raise UnreadableFile("the workbook has no sheets")
    return _sheet_table(workbook.worksheets[0], target)


def read_tariff_workbook(path: Path) -> list[Table]:
    workbook = _open_workbook(path)
    names = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
    missing = [n for n in ("versions", "blocks") if n not in names]
    if missing:
        raise UnreadableFile(
            f"tariff workbook needs sheets 'versions' and 'blocks'; missing {', '.join(missing)} "
            f"(found: {', '.join(ws.title for ws in workbook.worksheets)})"
        )
    return [_sheet_table(names["versions"], "tariff_versions"), _sheet_table(names["blocks"], "tariff_blocks")]


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


def _flatten(element, strip: int, prefix: str, out: dict[str, list]) -> dict[str, list]:
    """Index an element's descendants by local-name path ('NtryDtls/TxDtls/Refs/EndToEndId')."""
    for child in element:
        if isinstance(child.tag, str):  # skips comments and processing instructions
            key = prefix + child.tag[strip:]
            out.setdefault(key, []).append(child)
            _flatten(child, strip, key + "/", out)
    return out


def camt_entry_row(entry, strip: int) -> list[str]:
    """One camt.053 <Ntry> as a payments row. `entry_kind` says credit, reversal or debit."""
    paths = _flatten(entry, strip, "", {})

    def text(*candidates: str) -> str:
        for path in candidates:
            found = paths.get(path)
            if found and (found[0].text or "").strip():
                return found[0].text.strip()
        return ""

    tx = "NtryDtls/TxDtls/" if "NtryDtls/TxDtls" in paths else ""
    amount = paths.get("Amt", [None])[0]
    structured = text(tx + "RmtInf/Strd/CdtrRefInf/Ref")
    unstructured = " ".join((u.text or "").strip() for u in paths.get(tx + "RmtInf/Ustrd", [])).strip()
    credit = text("CdtDbtInd") == "CRDT"
    reversal = text("RvslInd").lower() == "true"
    end_to_end = text(tx + "Refs/EndToEndId")
    kind = "reversal" if reversal and not credit else ("credit" if credit else "debit")
    return [
        text("AcctSvcrRef", "NtryRef"),
        text("ValDt/Dt", "BookgDt/Dt") or text("ValDt/DtTm")[:10],
        (amount.text or "").strip() if amount is not None else "",
        amount.get("Ccy", "") if amount is not None else "",
        CAMT_CHANNELS.get(text("BkTxCd/Domn/Fmly/Cd"), "bank_transfer"),
        structured or unstructured,
        end_to_end if kind == "reversal" else "",
        end_to_end,
        text(tx + "RltdPties/Dbtr/Nm", tx + "RltdPties/Dbtr/Pty/Nm"),
        unstructured,
        kind,
    ]


def read_camt053(path: Path) -> Table:
    """Stream <Ntry> elements of a camt.053 statement without holding the document in memory."""
    from lxml import etree

    try:
        _, root = next(etree.iterparse(str(path), events=("start",)))
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"not well-formed XML ({exc})") from exc
    except StopIteration as exc:
        raise UnreadableFile("the file is empty") from exc
    qname = etree.QName(root)
    if qname.localname != "Document" or "camt.053" not in (qname.namespace or ""):
        raise UnreadableFile(f"not a camt.053 statement (root <{qname.localname}> in namespace '{qname.namespace}')")
    ns = f"{{{qname.namespace}}}"

    def rows() -> Iterator[list[str]]:
        try:
            for _, entry in etree.iterparse(str(path), events=("end",), tag=f"{ns}Ntry"):
                yield camt_entry_row(entry, len(ns))
                entry.clear()
                while entry.getprevious() is not None:
                    del entry.getparent()[0]
        except etree.XMLSyntaxError as exc:
            raise UnreadableFile(f"XML breaks off or is malformed ({exc})") from exc

    return Table("payments", list(CAMT_COLUMNS), rows(), first_row_no=1)  # entries count from 1


def read_file(path: Path, folder: str, targets: tuple[str, ...]) -> list[Table]:
    """Dispatch on folder and extension; raise UnreadableFile for unsupported or unreadable files."""
    suffix = path.suffix.lower()
    if folder == "tariffs":
        if suffix == ".xlsx":
            return read_tariff_workbook(path)
        if suffix == ".csv":
            stem = path.stem.lower()
            for target, word in (("tariff_versions", "version"), ("tariff_blocks", "block")):
                if word in stem:
                    return [read_csv(path, target)]
            raise UnreadableFile("a tariff CSV must be named for its sheet: versions*.csv or blocks*.csv")
    target = targets[0]
    if suffix == ".csv":
        return [read_csv(path, target)]
    if suffix == ".xlsx":
        return [read_xlsx(path, target)]
    if suffix == ".xml" and folder == "payments":
        return [read_camt053(path)]
    raise UnreadableFile(f"unsupported file type '{suffix or path.name}' in {folder}/")
