"""Customer bills (exports.bills): the PDF of a hand-computed invoice, its QR code, languages, pages, copies,
print files. No database: the bills are built by hand (tests/bill_samples.py); test_bills_e2e.py reads them
from the marts. PNG renders of the two sample bills are written to the test's output folder (bill_pngs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from decimal import Decimal as D
from io import BytesIO
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from exports.bills import batch, i18n, render
from exports.bills.batch import pool_of, render_all, write_manifest, write_print_files
from exports.bills.model import DunningNotice, Line, Utility
from exports.bills.qr import NoQrCode, epc_qr
from exports.bills.render import render_bill, render_notice
from tests.bill_samples import UTILITY, eur_bill, krw_bill

OUTPUT = Path(__file__).parent.parent / "var" / "test-output" / "bills"


def text_of(pdf: bytes) -> str:
    """The PDF's text with runs of white space as one space (label and figure on one line)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())


def png(pdf: bytes, path: Path, scale: float = 1.5) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pdfium.PdfDocument(pdf)[0].render(scale=scale).to_pil().save(path)


def test_eur_bill_shows_every_line_the_totals_the_due_date_and_the_reference() -> None:
    """The sample invoice (arithmetic in bill_samples.eur_bill's docstring): lines 40.00, 36.00, 5.00, 25.20,
    3.50, levy 2.19, VAT 21.26, late charge 0.60; subtotals 81.00 and 28.70; total 133.75; previous balance
    140.00, payments 100.00, amount due 140.00 - 100.00 + 133.75 = 173.75; due 21 April 2025."""
    pdf, pages, no_qr = render_bill(eur_bill(), UTILITY)
    text = text_of(pdf)
    for amount in ["€40.00", "€36.00", "€5.00", "€25.20", "€3.50", "€2.19", "€21.26", "€0.60"]:
        assert amount in text, amount
    assert "Subtotal Electricity €81.00" in text
    assert "Subtotal Water €28.70" in text
    assert "Total of this bill €133.75" in text
    assert "€140.00" in text and "-€100.00" in text
    assert "Amount due by Apr 21, 2025 €173.75" in text
    assert "RF18539007547034" in text and "INV-202503-A0000001" in text
    assert "ESTIMATED" in text and "Usage (estimated)" in text
    assert "Late payment charge on 2025-01" in text
    assert pages == 1 and no_qr is None
    png(pdf, OUTPUT / "bill_en_eur_water_electricity.png")


def test_an_account_in_credit_is_told_its_credit_and_asked_for_nothing() -> None:
    """The sample invoice (total 133.75) of an account that held 748.05 of credit and paid 448.15 this month
    (D107 amended): previous balance -748.05, payments 448.15, amount due -748.05 - 448.15 + 133.75 =
    -1,062.45: the summary says "Credit on your account, nothing to pay €1,062.45", the payment slip
    "Amount due €0.00", and there is no QR code (nothing to transfer)."""
    bill = dataclasses.replace(eur_bill(), previous_balance=Decimal("-748.05"), payments_received=Decimal("448.15"))
    pdf, _, no_qr = render_bill(bill, UTILITY)
    text = text_of(pdf)
    assert "-€748.05" in text and "-€448.15" in text
    assert "Credit on your account, nothing to pay €1,062.45" in text
    assert "Amount due €0.00" in text and "Amount due by" not in text
    assert no_qr is not None


def test_the_qr_code_decodes_to_the_epc_fields() -> None:
    """EPC069-12: BCD, version 002, charset 2 (ISO 8859-1), SCT, BIC, name, IBAN, EUR173.75 (the amount due),
    no purpose, the RF reference as structured remittance."""
    pdf, _, _ = render_bill(eur_bill(), UTILITY)
    image = pdfium.PdfDocument(pdf)[0].render(scale=2).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [code.text.split("\n") for code in codes] == [
        [
            "BCD",
            "002",
            "2",
            "SCT",
            "COBADEFFXXX",
            "Riverside Utilities",
            "DE89370400440532013000",
            "EUR173.75",
            "",
            "RF18539007547034",
        ]
    ]


def test_an_invoice_number_goes_as_text_and_non_eur_or_no_iban_bills_get_no_code() -> None:
    bill = dataclasses.replace(eur_bill(), payment_reference="INV-202503-A0000001")
    assert epc_qr(bill, UTILITY).is_micro is False
    with pytest.raises(NoQrCode, match="EUR transfers only, the bill is in KRW"):
        epc_qr(krw_bill(), UTILITY)
    with pytest.raises(NoQrCode, match="no creditor IBAN"):
        epc_qr(eur_bill(), Utility("Riverside Utilities"))
    paid = dataclasses.replace(eur_bill(), payments_received=D("273.75"))
    with pytest.raises(NoQrCode, match="nothing is due"):
        epc_qr(paid, UTILITY)
    assert render_bill(paid, UTILITY)[2].endswith("nothing is due (0.00 EUR), so there is no transfer to encode")


def test_korean_and_english_bills_of_the_same_invoice() -> None:
    """The same EUR invoice in Korean: the same figures in Korean formats (dates 2025. 4. 21.), Korean labels."""
    english = text_of(render_bill(eur_bill(), UTILITY)[0])
    korean = text_of(render_bill(dataclasses.replace(eur_bill(), locale="ko"), UTILITY)[0])
    assert "Amount due by Apr 21, 2025" in english and "청구서" not in english
    assert "2025. 4. 21.까지 납부하실 금액" in korean
    assert "이번 달 청구 합계 €133.75" in korean
    assert "전기 소계 €81.00" in korean and "수도 소계 €28.70" in korean
    assert "Amount due" not in korean


def test_a_krw_bill_has_no_decimals_and_renders_hangul() -> None:
    """KRW has no minor unit: 24,000 + 32,190 + 1,600 = 57,790; + levy 2,138 + VAT 5,779 = 65,707."""
    pdf, pages, no_qr = render_bill(krw_bill(), UTILITY)
    text = text_of(pdf)
    assert "₩24,000" in text and "₩32,190" in text and "₩1,600" in text
    assert "전기 소계 ₩57,790" in text
    assert "이번 달 청구 합계 ₩65,707" in text
    assert "65,707.00" not in text and "김민준" in text and "서울특별시 강남구 테헤란로 152" in text
    assert pages == 1 and "EUR transfers only" in no_qr
    png(pdf, OUTPUT / "bill_ko_krw_electricity.png")


def test_a_bill_with_many_lines_runs_over_several_pages() -> None:
    """60 extra rebill lines of 1.00 each: 60 x 12 pt do not fit one A4 page with the header; the total
    shown is the bill's (133.75 + 60.00 = 193.75) and every line's amount is printed once."""
    bill = eur_bill()
    extra = [Line(100 + i, "rebill_adjustment", "electricity", D("5"), "kWh", D("0.2"), D("1.00"),
                  adjusts_period=f"2024-{i % 12 + 1:02d}") for i in range(60)]  # fmt: skip
    bill.sections[0].lines.extend(extra)
    bill.total = D("193.75")
    pdf, pages, _ = render_bill(bill, UTILITY)
    text = text_of(pdf)
    assert pages == len(PdfReader(BytesIO(pdf)).pages) >= 2
    assert text.count("€1.00") == 60
    assert "Total of this bill €193.75" in text
    assert "continued" in text


def test_a_reissue_is_the_same_bill_marked_copy_and_rendering_is_reproducible() -> None:
    original = render_bill(eur_bill(), UTILITY)[0]
    assert render_bill(eur_bill(), UTILITY)[0] == original  # byte-identical: fixed dates and ids
    copy = render_bill(dataclasses.replace(eur_bill(), is_copy=True), UTILITY)[0]
    assert text_of(copy).count("COPY - reissued from the archive") == 1
    assert text_of(copy).replace(" COPY - reissued from the archive", "") == text_of(original)
    assert PdfReader(BytesIO(original)).metadata["/CreationDate"].startswith("D:20250401000000")
    fonts = PdfReader(BytesIO(original)).pages[0]["/Resources"]["/Font"].values()
    assert sorted(font.get_object()["/BaseFont"] for font in fonts) == [
        "/AAAAAA+DejaVuSans",
        "/AAAAAA+DejaVuSans-Bold",
    ]  # embedded subsets with a fixed prefix, no standard font


def test_a_disconnection_notice_names_the_date_supply_may_be_cut() -> None:
    """Oldest overdue item due 2025-01-21, 71 days past due at 2025-03-31: disconnection at 90 days, from
    2025-01-21 + 90 days = 2025-04-21; pay by the notice date 2025-04-01 + 14 days = 2025-04-15."""
    notice = DunningNotice("A0000001", "Anna Schmidt", "12 Linden Avenue", "2025-03", dt.date(2025, 4, 1),
                           "disconnection_notice", "EUR", D("80.00"), dt.date(2025, 1, 21), 71,
                           dt.date(2025, 4, 15), dt.date(2025, 4, 21))  # fmt: skip
    pdf, pages = render_notice(notice, UTILITY)
    text = text_of(pdf)
    assert "Notice of disconnection" in text
    assert "€80.00 overdue since Jan 21, 2025 (71 days)" in text
    assert "Please pay it by Apr 15, 2025." in text
    assert "disconnected from Apr 21, 2025" in text
    assert pages == 1


def test_the_print_file_has_every_page_of_its_district(tmp_path: Path) -> None:
    """Two bills in North (1 page each) and a 2-page bill in South: print/North.pdf has 2 pages, South 2;
    the CSV's pages sum to the bills' pages; North's two bills embed the same two font subsets (regular, bold),
    which its print file holds once: 2 font programs, not 4; each bill's account has an e-mail, so the workers
    wrote 3 messages; the manifest lists every file with its SHA-256: 3 bills + 3 e-mails + 2 print files
    + the CSV = 9."""
    north = [eur_bill(), dataclasses.replace(eur_bill(), invoice_id="INV-202503-A0000002")]
    south = eur_bill()
    south.invoice_id, south.district = "INV-202503-A0000003", "South"
    south.sections[0].lines.extend(Line(100 + i, "fixed", "electricity", D("1"), "month", D("1"), D("1.00"))
                                   for i in range(60))  # fmt: skip
    for sub in ("notices", "print"):
        (tmp_path / sub).mkdir()
    with pool_of(2) as pool:
        rendered = render_all(pool, [*north, south], [], UTILITY, tmp_path)
        write_print_files(rendered, tmp_path, pool)  # merged by the workers, one district each
    write_manifest("2025-03", tmp_path)
    assert [item.pages for item in rendered] == [1, 1, 2]
    assert len(PdfReader(tmp_path / "print" / "North.pdf").pages) == 2
    assert len(PdfReader(tmp_path / "print" / "South.pdf").pages) == 2
    rows = (tmp_path / "print" / "print_manifest.csv").read_text().splitlines()
    assert rows[1:] == [
        "print/North.pdf,1,INV-202503-A0000001.pdf,1,1",
        "print/North.pdf,2,INV-202503-A0000002.pdf,2,1",
        "print/South.pdf,1,INV-202503-A0000003.pdf,1,2",
    ]
    first = (tmp_path / "print" / "North.pdf").read_bytes()
    with pikepdf.open(tmp_path / "print" / "North.pdf") as north_file:  # 2 bills x (regular, bold): stored once
        programs = [o for o in north_file.objects if isinstance(o, pikepdf.Stream) and "/Length1" in o]
    assert len(programs) == 2
    write_print_files(rendered, tmp_path)  # merged here: the same bytes
    assert (tmp_path / "print" / "North.pdf").read_bytes() == first
    manifest = (tmp_path / "manifest.json").read_text()
    assert manifest.count('"sha256"') == 9
    assert all(item.emailed for item in rendered) and len(list((tmp_path / "email").glob("*.eml"))) == 3


def test_a_large_district_is_merged_in_parts_with_every_page_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With parts of 2 documents, five one-page bills of North are merged as parts of 2 + 2 + 1 pages, then
    the three parts: 5 pages, the invoice numbers in delivery order (A1..A5), no part file left behind, and
    merging again gives the same bytes (a fixed file identifier)."""
    monkeypatch.setattr(batch, "MERGE_GROUP", 2)
    bills = [dataclasses.replace(eur_bill(), invoice_id=f"INV-202503-A000000{i}") for i in range(1, 6)]
    for sub in ("notices", "print"):
        (tmp_path / sub).mkdir()
    rendered = render_all(None, bills, [], UTILITY, tmp_path)
    write_print_files(rendered, tmp_path)
    merged = PdfReader(tmp_path / "print" / "North.pdf")
    assert len(merged.pages) == 5
    firsts = [page.extract_text().split("Bill number")[1].split()[0] for page in merged.pages]
    assert firsts == [f"INV-202503-A000000{i}" for i in range(1, 6)]
    assert sorted(path.name for path in (tmp_path / "print").iterdir()) == ["North.pdf", "print_manifest.csv"]
    first = (tmp_path / "print" / "North.pdf").read_bytes()
    write_print_files(rendered, tmp_path)
    assert (tmp_path / "print" / "North.pdf").read_bytes() == first


def test_a_volume_is_merged_in_one_pass_where_the_open_file_limit_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    """A volume of 1,000 documents needs 1,000 + 64 open files. With a soft limit of 256 and a hard one of
    1,048,576 the soft limit is raised to 1,064 and the whole volume is one group; with a hard limit of 256 it
    stays there and groups are 256 - 64 = 192 documents."""
    calls = []
    monkeypatch.setattr(batch.resource, "setrlimit", lambda which, limits: calls.append(limits))
    monkeypatch.setattr(batch.resource, "getrlimit", lambda which: (256, 1_048_576))
    assert batch.VOLUME == batch.MERGE_GROUP == 1000
    assert batch.documents_open_at_once() == 1000
    assert calls == [(1064, 1_048_576)]
    monkeypatch.setattr(batch.resource, "getrlimit", lambda which: (256, 256))
    assert batch.documents_open_at_once() == 192


def test_what_is_remembered_between_bills_changes_no_byte_and_no_figure() -> None:
    """Font subsets, their widths and compressed streams are kept per process (render.py): a bill drawn with
    those caches emptied and again with them full gives the same bytes. Babel's formats are kept by the value's
    text, so equal Decimals of another sign or exponent are not mixed up: -0.00 EUR prints as -€0.00 and 0 as
    €0.00; 1.5 to two digits is 1.50 and to none rounds half-even to 2; 0.015 is 1.5%."""
    render.flate.cache_clear()
    render.FORMATTED_WIDTHS.clear()
    cold = render_bill(eur_bill(), UTILITY)[0]
    assert render_bill(eur_bill(), UTILITY)[0] == cold
    t = i18n.texts("en")
    assert (t.money(D("-0.00"), "EUR"), t.money(D("0"), "EUR")) == ("-€0.00", "€0.00")
    assert (t.number(D("1.5"), 2), t.number(D("1.5"), 0), t.percent(D("0.015"))) == ("1.50", "2", "1.5%")


def test_a_district_larger_than_a_volume_gets_numbered_print_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Volumes of 2 documents: five bills of North make North-001.pdf (A1, A2), -002 (A3, A4) and -003 (A5);
    the CSV numbers documents and pages from 1 in each volume; a district that fits one volume keeps its name
    (South.pdf)."""
    monkeypatch.setattr(batch, "VOLUME", 2)
    north = [dataclasses.replace(eur_bill(), invoice_id=f"INV-202503-A000000{i}") for i in range(1, 6)]
    south = [dataclasses.replace(eur_bill(), invoice_id="INV-202503-B0000001", district="South")]
    for sub in ("notices", "print"):
        (tmp_path / sub).mkdir()
    write_print_files(render_all(None, [*north, *south], [], UTILITY, tmp_path), tmp_path)
    pages = {path.name: len(PdfReader(path).pages) for path in (tmp_path / "print").glob("*.pdf")}
    assert pages == {"North-001.pdf": 2, "North-002.pdf": 2, "North-003.pdf": 1, "South.pdf": 1}
    rows = (tmp_path / "print" / "print_manifest.csv").read_text().splitlines()
    assert rows[1:] == [
        "print/North-001.pdf,1,INV-202503-A0000001.pdf,1,1",
        "print/North-001.pdf,2,INV-202503-A0000002.pdf,2,1",
        "print/North-002.pdf,1,INV-202503-A0000003.pdf,1,1",
        "print/North-002.pdf,2,INV-202503-A0000004.pdf,2,1",
        "print/North-003.pdf,1,INV-202503-A0000005.pdf,1,1",
        "print/South.pdf,1,INV-202503-B0000001.pdf,1,1",
    ]
