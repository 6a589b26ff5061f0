"""Render a period's bills and dunning notices into bills/<period>/, in parallel processes.

The folder holds one PDF per issued invoice (`<invoice_id>.pdf`), the dunning notices (`notices/`), the
print-house files (`print/<district>.pdf`, or volumes `<district>-001.pdf`, … of a large district: the district's
bills and notices merged in delivery order, and
`print/print_manifest.csv` with their page counts), e-mail-ready messages (`email/<invoice_id>.eml`, RFC 5322
with the PDF attached, for accounts with an e-mail; nothing is sent) and `manifest.json` (SHA-256 of every
file). The folder is replaced only once complete. Rendering the same rows again gives the same bytes (D109).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import email.policy
import hashlib
import io
import json
import os
import re
import resource
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

import pikepdf
import psycopg

from core import db, settings
from core import policy as core_policy
from exports.bills.i18n import texts
from exports.bills.load import issued_invoice_ids, load_bills, load_notices, utility_from_policy
from exports.bills.model import Bill, DunningNotice, Utility
from exports.bills.render import render_bill, render_notice

CHUNK = 200  # bills per task handed to a worker process
SLICE = 20_000  # bills loaded from the database at a time
VOLUME = 1_000  # documents in one print file (a larger district gets volumes)
MERGE_GROUP = VOLUME  # documents one merge holds open: a volume in one pass where the open-file limit allows
FILES_KEPT_FREE = 64  # open files left for everything else when a merge sizes its groups


@dataclass(frozen=True, slots=True)
class Rendered:
    """One written PDF: its path relative to the period folder, pages, the district it is printed in, and
    whether its e-mail (`email/<invoice>.eml`) was written beside it. The batch keeps one a document until the
    print files are built: slotted, 1,000,000 of them take 145 MiB instead of 184 MiB."""

    name: str
    pages: int
    district: str
    no_qr_reason: str | None = None
    emailed: bool = False


@dataclass
class BatchResult:
    period: str
    folder: Path
    bills: int
    notices: int
    emails: int
    pages: int
    seconds: float
    render_seconds: float
    no_qr: Counter = field(default_factory=Counter)
    print_seconds: float = 0.0

    @property
    def bills_per_second(self) -> float:
        """Bills per second of rendering them and building the print files (wall time; the goal is 280)."""
        seconds = self.render_seconds + self.print_seconds
        return self.bills / seconds if seconds else 0.0


def bills_dir() -> Path:
    """Where bills go: $M2C_HOME/bills."""
    return settings.home() / "bills"


def render_period(
    period: str,
    url: str | None = None,
    out_dir: Path | None = None,
    workers: int | None = None,
    policy: dict | None = None,
) -> BatchResult:
    """Render every issued invoice of the period and its dunning notices; returns counts and timings."""
    started = time.perf_counter()
    policy = core_policy.load() if policy is None else policy
    utility = utility_from_policy(policy)
    disconnection_days = int((policy.get("dunning_days") or {}).get("disconnection", 90))
    folder = (out_dir or bills_dir()) / period
    staging = folder.with_name(f".{period}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    for sub in ("notices", "print", "email"):
        (staging / sub).mkdir(parents=True)
    with psycopg.connect(url or db.database_url()) as conn, pool_of(workers) as pool:
        rendered, bills, emails, render_seconds = render_bills(conn, period, pool, utility, staging)
        notices = load_notices(conn, period, disconnection_days)
        rendered += render_all(pool, [], notices, utility, staging)
        merging = time.perf_counter()
        write_print_files(rendered, staging, pool)
        print_seconds = time.perf_counter() - merging
    write_manifest(period, staging)
    if folder.exists():
        shutil.rmtree(folder)
    staging.rename(folder)
    return BatchResult(
        period,
        folder,
        bills,
        len(notices),
        emails,
        sum(item.pages for item in rendered),
        time.perf_counter() - started,
        render_seconds,
        Counter(reason_kind(item.no_qr_reason) for item in rendered if item.no_qr_reason),
        print_seconds,
    )


def render_bills(
    conn: psycopg.Connection, period: str, pool: ProcessPoolExecutor | None, utility: Utility, folder: Path
) -> tuple[list[Rendered], int, int, float]:
    """The period's issued invoices rendered SLICE at a time: (what was written, bills, e-mails, seconds spent
    rendering). A slice's bills are released before the print files are merged (they are no longer needed)."""
    rendered: list[Rendered] = []
    bills = emails = 0
    seconds = 0.0
    ids = issued_invoice_ids(conn, period)
    for first in range(0, len(ids), SLICE):
        some = load_bills(conn, period, ids[first : first + SLICE])
        rendering = time.perf_counter()
        done = render_all(pool, some, [], utility, folder)
        seconds += time.perf_counter() - rendering
        emails += sum(item.emailed for item in done)
        rendered += done
        bills += len(some)
    return rendered, bills, emails, seconds


def reason_kind(reason: str) -> str:
    """A QR-skip reason without the invoice number, so the report counts alike reasons together."""
    return re.sub(r" \([^)]*\)", "", re.sub(r"^INV-\S+: ", "", reason))


@contextmanager
def pool_of(workers: int | None) -> Iterator[ProcessPoolExecutor | None]:
    """`workers` rendering processes (default: the CPU count); None (render here) for one."""
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        yield None
        return
    with ProcessPoolExecutor(workers) as pool:
        yield pool


def render_all(
    pool: ProcessPoolExecutor | None, bills: list[Bill], notices: list[DunningNotice], utility: Utility, folder: Path
) -> list[Rendered]:
    """Bills and notices in the order given, written under folder; chunks of CHUNK rendered by the pool."""
    tasks = [(render_chunk, bills[i : i + CHUNK]) for i in range(0, len(bills), CHUNK)]
    tasks += [(render_notice_chunk, notices[i : i + CHUNK]) for i in range(0, len(notices), CHUNK)]
    if pool is None or len(tasks) <= 1:
        results = [task(chunk, utility, folder) for task, chunk in tasks]
    else:
        futures = [pool.submit(task, chunk, utility, folder) for task, chunk in tasks]
        results = [future.result() for future in futures]
    return [item for chunk in results for item in chunk]


def render_chunk(bills: list[Bill], utility: Utility, folder: Path) -> list[Rendered]:
    """Each bill's PDF, and its e-mail when the account has an address, written by the worker that drew it
    from the bytes in hand (D125: e-mails written afterwards by the parent read every PDF back, one process
    while the workers waited)."""
    done = []
    if any(bill.email for bill in bills):
        (folder / "email").mkdir(exist_ok=True)
    for bill in bills:
        pdf, pages, no_qr = render_bill(bill, utility)
        (folder / f"{bill.invoice_id}.pdf").write_bytes(pdf)
        if bill.email:
            (folder / "email" / f"{bill.invoice_id}.eml").write_bytes(email_message(bill, utility, pdf))
        done.append(Rendered(f"{bill.invoice_id}.pdf", pages, bill.district, no_qr, bool(bill.email)))
    return done


def render_notice_chunk(notices: list[DunningNotice], utility: Utility, folder: Path) -> list[Rendered]:
    done = []
    for notice in notices:
        pdf, pages = render_notice(notice, utility)
        name = f"notices/{notice.account_id}_{notice.stage}.pdf"
        (folder / name).write_bytes(pdf)
        done.append(Rendered(name, pages, notice.district))
    return done


def write_print_files(rendered: list[Rendered], folder: Path, pool: ProcessPoolExecutor | None = None) -> None:
    """Per district its documents in delivery order (bills, then notices) merged into print files by the pool's
    workers, and a CSV of every print file's documents with their first page and page count.

    A district of up to VOLUME documents is one file, `print/<district>.pdf`; a larger one is split into
    volumes `print/<district>-001.pdf`, `-002`, … of VOLUME documents each (merging holds ~170 KiB per page in
    memory, so a volume caps a worker's memory whatever the district's size)."""
    by_district: dict[str, list[Rendered]] = defaultdict(list)
    for item in rendered:
        by_district[item.district or "unknown"].append(item)
    volumes = [volume for district in sorted(by_district) for volume in volumes_of(district, by_district[district])]
    jobs = [(folder, name, district, [item.name for item in items]) for name, district, items in volumes]
    if pool is None or len(jobs) <= 1:
        for job in jobs:
            merge(*job)
    else:
        for future in [pool.submit(merge, *job) for job in jobs]:
            future.result()
    with (folder / "print" / "print_manifest.csv").open("w", newline="") as out:
        manifest = csv.writer(out)
        manifest.writerow(["print_file", "sequence", "document", "first_page", "pages"])
        for name, _, items in volumes:
            page = 1
            for sequence, item in enumerate(items, start=1):
                manifest.writerow([name, sequence, item.name, page, item.pages])
                page += item.pages


def volumes_of(district: str, items: list[Rendered]) -> list[tuple[str, str, list[Rendered]]]:
    """A district's print files: (relative name, district, documents) for each VOLUME documents in order."""
    if len(items) <= VOLUME:
        return [(f"print/{safe_name(district)}.pdf", district, items)]
    return [
        (f"print/{safe_name(district)}-{number:03d}.pdf", district, items[first : first + VOLUME])
        for number, first in enumerate(range(0, len(items), VOLUME), start=1)
    ]


def merge(folder: Path, name: str, district: str, documents: list[str]) -> None:
    """One print file: the documents' pages in order, copied by qpdf (pikepdf) without re-encoding a stream,
    with a fixed file identifier (the same bills give the same bytes, D109).

    qpdf reads a source's streams when the print file is saved, so every source stays open until then. A
    volume is merged in one pass when the process may open that many files (its limit is raised up to the
    hard limit); otherwise groups of documents are merged into part files, then the parts into the print
    file, which copies every page twice."""
    target = folder / name
    group = documents_open_at_once()
    if len(documents) <= group:
        concatenate([folder / document for document in documents], target, district)
        return
    parts = []
    for first in range(0, len(documents), group):
        part = target.with_name(f".{target.stem}.{first // group:05d}.pdf")
        concatenate([folder / document for document in documents[first : first + group]], part, district)
        parts.append(part)
    concatenate(parts, target, district)
    for part in parts:
        part.unlink()


def documents_open_at_once() -> int:
    """How many documents one merge may hold open: MERGE_GROUP, or fewer when the open-file limit is lower even
    after raising this process's soft limit (RLIMIT_NOFILE) up to its hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MERGE_GROUP + FILES_KEPT_FREE
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return max(2, min(MERGE_GROUP, soft - FILES_KEPT_FREE))


def concatenate(sources: list[Path], target: Path, district: str) -> None:
    """The sources' pages in order into target (PDF 1.x, streams copied as they are, fixed /ID)."""
    with ExitStack() as opened, pikepdf.new() as pdf:
        for source in sources:
            pdf.pages.extend(opened.enter_context(pikepdf.open(source)).pages)
        share_font_programs(pdf)
        pdf.docinfo["/Title"] = f"Print file {district}"
        pdf.docinfo["/Producer"] = "Meter-to-Cash (pikepdf)"
        pdf.save(
            target,
            static_id=True,  # no random file identifier
            compress_streams=False,  # the bills' streams are compressed already: copied, not re-encoded
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            normalize_content=False,
            fix_metadata_version=False,
        )


def share_font_programs(pdf: pikepdf.Pdf) -> int:
    """Point every font descriptor whose embedded TrueType program (`/FontFile2`, ISO 32000-1 §9.9) has the same
    stored bytes as an earlier one at that earlier stream, so the print file holds each font subset once (Latin
    bills embed the same subsets): the others are unreferenced and qpdf does not write them. Returns how many
    descriptors now share a program. Pages, glyphs and widths are unchanged; the order is the pages', so the
    same documents give the same file (D109). 125 bills: 5.6 → 1.0 MiB, 1.0-1.3 → 0.9 ms a bill (D110)."""
    first: dict[bytes, pikepdf.Object] = {}
    shared = 0
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _, font in fonts.items():
            descriptor = font.get("/FontDescriptor")
            if descriptor is None or "/FontFile2" not in descriptor:
                continue
            program = descriptor.FontFile2
            key = hashlib.sha256(program.read_raw_bytes()).digest()
            if key in first:
                if not first[key].is_indirect or first[key].objgen != program.objgen:
                    descriptor.FontFile2 = first[key]
                    shared += 1
            else:
                first[key] = program
    return shared


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "unknown"


def email_message(bill: Bill, utility: Utility, pdf: bytes) -> bytes:
    """The bill as an RFC 5322 message to the account's e-mail: plain-text body, the PDF attached (MIME,
    base64), fixed Date, Message-ID and boundary so the same bill gives the same bytes (D109)."""
    t = texts(bill.locale)
    message = EmailMessage(policy=EMAIL_POLICY)
    message["From"] = formataddr((utility.name, utility.email))
    message["To"] = formataddr((bill.customer_name, bill.email))
    message["Subject"] = f"{t.gettext('Bill')} {bill.invoice_id}"
    message["Date"] = format_datetime(bill_datetime(bill))
    message["Message-ID"] = f"<{bill.invoice_id}@bills.meter-to-cash>"
    message.set_content(
        "\n".join(
            [
                f"{t.gettext('Bill number')}: {bill.invoice_id}",
                f"{t.gettext('Period')}: {bill.period}",
                f"{t.gettext('Amount due')}: {t.money(bill.amount_due, bill.currency)}",
                f"{t.gettext('Due date')}: {t.date(bill.due_date)}",
                f"{t.gettext('Payment reference')}: {bill.payment_reference}",
                "",
                utility.name,
            ]
        )
    )
    message.add_attachment(b"", maintype="application", subtype="pdf", filename=f"{bill.invoice_id}.pdf")
    # The PDF in base64 lines of 76 characters (RFC 2045 §6.8) by binascii in one call: the same text as the
    # email package's own encoder, which encodes 57 bytes at a time (2 ms a bill).
    message.get_payload()[-1].set_payload(base64.encodebytes(pdf).decode("ascii"))
    message.set_boundary(f"=_bill_{bill.invoice_id}")  # fixed, so re-rendering gives the same bytes
    out = io.BytesIO()
    BlockGenerator(out, mangle_from_=False, policy=message.policy).flatten(message, unixfrom=False)
    return out.getvalue()


class ReusedHeaderClasses(HeaderRegistry):
    """The email package's header registry, its header classes made once per header name: the standard one
    makes a new class for every header it parses (~30 a bill, ~1.5 ms). Headers parse and fold the same."""

    def __init__(self) -> None:
        super().__init__()
        self.made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self.made:
            self.made[key] = super().__getitem__(name)
        return self.made[key]


EMAIL_POLICY = email.policy.default.clone(header_factory=ReusedHeaderClasses())


class BlockGenerator(BytesGenerator):
    """The email package's bytes generator writing a body that already has the policy's line endings in one
    piece instead of line by line (a bill's attachment is ~850 lines): the same bytes, ~1 ms less a bill."""

    def _write_lines(self, lines: str) -> None:
        if self._NL == "\n" and "\r" not in lines:
            self.write(lines)
        else:
            super()._write_lines(lines)


def bill_datetime(bill: Bill) -> dt.datetime:
    return dt.datetime(bill.bill_date.year, bill.bill_date.month, bill.bill_date.day, tzinfo=dt.UTC)


def write_manifest(period: str, folder: Path) -> None:
    """manifest.json: every file's relative name, bytes and SHA-256 (no timestamps: reproducible)."""
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    entries = []
    for path in files:
        with path.open("rb") as data:
            digest = hashlib.file_digest(data, "sha256").hexdigest()
        entries.append({"name": str(path.relative_to(folder)), "bytes": path.stat().st_size, "sha256": digest})
    manifest = {"period": period, "files": entries}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
