"""SEPA: the invoices' ISO 11649 payment references (D80)."""

from __future__ import annotations

import json
import random
import string

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from tests.dbt_runner import run_dbt


def _invoice_numbers() -> list[str]:
    """Invoice numbers as int_invoices makes them ('INV-' || yyyymm || '-' || account id), short and long."""
    rng = random.Random(11649)
    alphabet = string.ascii_letters + string.digits + "-_. /"
    numbers = ["INV-202401-ACC00001", "INV-202412-A", "INV-202602-" + "Z" * 30]
    for _ in range(200):
        account = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        numbers.append(f"INV-{rng.randint(2020, 2030)}{rng.randint(1, 12):02d}-{account.strip() or 'X'}")
    return numbers


def test_payment_reference_macro_agrees_with_stdnum(fresh_db: str) -> None:
    """The SQL macros give every invoice number an ISO 11649 reference python-stdnum accepts.

    Worked example: 'INV-202401-ACC00001' -> creditor reference 'INV202401ACC00001'; with 'RF00'
    appended and letters expanded (I=18 N=23 V=31 A=10 C=12 R=27 F=15) it reads
    18233120240110121200001271500, which is 71 mod 97, so the check digits are 98 - 71 = 27:
    RF27INV202401ACC00001. stdnum computes the check digits independently (ISO 7064 MOD 97-10).
    """
    numbers = _invoice_numbers()
    rows = ", ".join("('" + n.replace("'", "''") + "')" for n in numbers)
    inline = (
        "select v as invoice_id, {{ iso11649_reference(invoice_creditor_reference('v')) }} as payment_reference "
        f"from (values {rows}) as t(v)"
    )
    shown = run_dbt(fresh_db, "show", "--inline", inline, "--limit", str(len(numbers)), "--output", "json", "--quiet")
    assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-2000:]
    result = json.loads(shown.stdout[shown.stdout.index("{") :])["show"]
    references = {row["invoice_id"]: row["payment_reference"] for row in result}
    assert len(references) == len(numbers)
    for number, reference in references.items():
        assert iso11649.is_valid(reference), (number, reference)
        body = "".join(c for c in number.upper() if c.isalnum())
        if len(body) <= 21:
            assert reference == "RF" + mod_97_10.calc_check_digits(body + "RF") + body
        else:
            assert len(reference) == 25 and reference[4:7] == "INV" and reference[7:13] == number[4:10]
    assert references["INV-202401-ACC00001"] == "RF27INV202401ACC00001"


PAIN002 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>S1</MsgId><CreDtTm>2024-03-28T08:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>M1</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId>{group}</OrgnlGrpInfAndSts>
{blocks}
</CstmrPmtStsRpt></Document>"""

REJECT = """<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId>{status}
<StsRsnInf><Rsn><Cd>{reason}</Cd></Rsn></StsRsnInf>
<OrgnlTxRef><Amt><InstdAmt Ccy="EUR">{amount}</InstdAmt></Amt><Dbtr><Pty><Nm>Ruth Example</Nm></Pty></Dbtr>
<RmtInf><Ustrd>Invoice INV-202402-A000103</Ustrd></RmtInf></OrgnlTxRef></TxInfAndSts>"""


def _pain002(tmp_path, group: str, blocks: str):
    path = tmp_path / "pain002.xml"
    path.write_text(PAIN002.format(group=group, blocks=blocks))
    return path


def test_pain002_rejects_become_reversals_with_their_reason(tmp_path) -> None:
    """Three transactions: RJCT (own status, MD01), one inheriting its block's RJCT (AM04), one ACSC
    (accepted: no row), and a RJCT without OrgnlEndToEndId (rejected with the reason)."""
    from ingestion.dialects import Rejected
    from ingestion.pain002 import is_pain002, read_pain002
    from ingestion.readers import CAMT_COLUMNS, read_file

    blocks = (
        "<OrgnlPmtInfAndSts><OrgnlPmtInfId>P1</OrgnlPmtInfId>"
        + REJECT.format(e2e="RF29INV202502A1", status="<TxSts>RJCT</TxSts>", reason="MD01", amount="20.00")
        + REJECT.format(e2e="RF00X", status="<TxSts>ACSC</TxSts>", reason="", amount="5.00")
        + REJECT.format(e2e="", status="<TxSts>RJCT</TxSts>", reason="AC04", amount="7.00")
        + "</OrgnlPmtInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>P2</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts>"
        + REJECT.format(e2e="RF11INV202502A2", status="", reason="AM04", amount="12.50")
        + "</OrgnlPmtInfAndSts>"
    )
    path = _pain002(tmp_path, "<GrpSts>PART</GrpSts>", blocks)
    assert is_pain002(path)
    [table] = read_file(path, "payments", ("payments",))
    rows = list(read_pain002(path).rows)
    assert table.header == CAMT_COLUMNS and len(rows) == 3
    named = [dict(zip(CAMT_COLUMNS, r, strict=True)) for r in rows if not isinstance(r, Rejected)]
    assert [
        (r["payment_id"], r["paid_at"], r["amount"], r["reversal_of"], r["entry_kind"], r["return_reason_code"])
        for r in named
    ] == [
        ("RJCT-RF29INV202502A1", "2024-03-28", "20.00", "RF29INV202502A1", "reversal", "MD01"),
        ("RJCT-RF11INV202502A2", "2024-03-28", "12.50", "RF11INV202502A2", "reversal", "AM04"),
    ]
    assert named[0]["payer_name"] == "Ruth Example" and named[0]["channel"] == "direct_debit"
    [rejected] = [r for r in rows if isinstance(r, Rejected)]
    assert "OrgnlEndToEndId" in rejected.reason


def test_pain002_rejecting_a_whole_message_is_unreadable(tmp_path) -> None:
    """GrpSts RJCT without transactions names no collection: the file is quarantined with why."""
    import pytest

    from ingestion.pain002 import read_pain002
    from ingestion.readers import UnreadableFile

    group = "<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf>"
    with pytest.raises(UnreadableFile, match="whole message 'M1'.*FF01"):
        read_pain002(_pain002(tmp_path, group, ""))


def test_camt_return_keeps_its_reason_code() -> None:
    """A camt entry with RvslInd true and TxDtls/RtrInf/Rsn/Cd AM04 is a reversal of its end-to-end id."""
    from lxml import etree

    from ingestion.readers import CAMT_COLUMNS, camt_entry_row

    entry = etree.fromstring(
        '<Ntry xmlns="urn:x"><NtryRef>R1</NtryRef><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
        "<RvslInd>true</RvslInd><BookgDt><Dt>2024-03-26</Dt></BookgDt>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd></Fmly></Domn></BkTxCd>"
        "<NtryDtls><TxDtls><Refs><EndToEndId>RF29INV202502A1</EndToEndId></Refs>"
        "<RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>"
    )
    row = dict(zip(CAMT_COLUMNS, camt_entry_row(entry, len("{urn:x}")), strict=True))
    assert (row["entry_kind"], row["reversal_of"], row["return_reason_code"], row["channel"]) == (
        "reversal",
        "RF29INV202502A1",
        "AM04",
        "direct_debit",
    )


def _invoice(account: str, **changes) -> dict:
    import datetime as dt
    from decimal import Decimal

    row = {
        "invoice_id": f"INV-202402-{account}",
        "account_id": account,
        "due_date": dt.date(2024, 3, 21),
        "total_amount": Decimal("20.00"),
        "currency": "EUR",
        "payment_reference": f"RF00INV202402{account}",
        "customer_name": "Ruth Example",
        "iban": "DE89370400440532013000",
        "mandate_id": f"MNDT-{account}",
        "mandate_signed_on": dt.date(2023, 12, 1),
    }
    return row | changes


def test_collections_first_then_recurring_and_the_uncollectable_listed() -> None:
    """A1 collected before under its mandate: RCUR; A2 new: FRST; A3 no mandate, A4 no IBAN, A5 a
    credit note (-5.00), A6 in SEK, A7 mandate signed after the due date: listed with reasons."""
    import datetime as dt
    from decimal import Decimal

    from exports.direct_debit import plan_collections

    rows = [
        _invoice("A1"),
        _invoice("A2", total_amount=Decimal("100.00")),
        _invoice("A3", mandate_id=None, mandate_signed_on=None),
        _invoice("A4", iban=None),
        _invoice("A5", total_amount=Decimal("-5.00")),
        _invoice("A6", currency="SEK"),
        _invoice("A7", mandate_signed_on=dt.date(2024, 3, 22)),
    ]
    collections, skipped = plan_collections(rows, {("A1", "MNDT-A1"), ("A2", "MNDT-OLD")})
    assert [(c.account_id, c.sequence_type, c.amount, c.end_to_end_id) for c in collections] == [
        ("A1", "RCUR", Decimal("20.00"), "RF00INV202402A1"),
        ("A2", "FRST", Decimal("100.00"), "RF00INV202402A2"),
    ]
    reasons = {account: reason for account, _, reason in skipped}
    assert list(reasons) == ["A3", "A4", "A5", "A6", "A7"]
    assert "no SEPA mandate" in reasons["A3"] and "no IBAN" in reasons["A4"]
    assert "not positive" in reasons["A5"] and "SEK" in reasons["A6"] and "after the due date" in reasons["A7"]


def test_an_invalid_creditor_is_refused_by_name() -> None:
    """The creditor id DE98ZZZ09999999998 fails its mod 97-10 check; a missing IBAN is named."""
    import pytest

    from exports.direct_debit import CollectionError, creditor_config

    good = {"name": "U", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "creditor_id": "DE98ZZZ09999999999"}
    assert creditor_config(dict(good))["creditor_id"] == "DE98ZZZ09999999999"
    with pytest.raises(CollectionError, match="creditor.creditor_id"):
        creditor_config(good | {"creditor_id": "DE98ZZZ09999999998"})
    with pytest.raises(CollectionError, match="missing iban"):
        creditor_config(good | {"iban": ""})


def test_the_collection_file_carries_our_message_id_and_validates() -> None:
    """pain008 with MsgId 'M2C-2024-02-20240301210000' (9 pm on a 24-hour clock): the header carries it,
    not sepaxml's own id, and the file is valid against the pain.008.001.08 XSD sepaxml ships."""
    import datetime as dt
    import re
    from pathlib import Path

    import sepaxml
    import xmlschema

    from exports.direct_debit import creditor_config, message_id, pain008, plan_collections

    config = creditor_config(
        {"name": "U", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "creditor_id": "DE98ZZZ09999999999"}
    )
    rows = [_invoice("A1")]
    collections, _ = plan_collections(rows, set())
    msg_id = message_id("2024-02", dt.datetime(2024, 3, 1, 21, 0, 0))
    xml = pain008(config, {r["invoice_id"]: r for r in rows}, collections, msg_id)
    assert re.findall(r"<MsgId>([^<]+)</MsgId>", xml.decode()) == ["M2C-2024-02-20240301210000"]
    schema = xmlschema.XMLSchema(str(Path(sepaxml.__file__).parent / "schemas" / "pain.008.001.08.xsd"))
    schema.validate(xml.decode())
