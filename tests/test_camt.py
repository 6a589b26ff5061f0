"""The camt reader at transaction level (ingestion/readers.py, D72-D73), on hand-made statements:
batch credits and returns, entries without bank references, a re-sent statement, the same entry in
a camt.053 and a camt.054, placeholders. No database: the reader alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from stdnum import iso11649

from ingestion.readers import CAMT_COLUMNS, UnreadableFile, read_camt

TX = """<TxDtls><Refs>{refs}</Refs>{amount}<RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr>
<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>{remittance}</TxDtls>"""


def tx(e2e: str, amount: str | None, payer: str, ref: str, iban: str = "DE02120300000000202051") -> str:
    amount_xml = f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>' if amount else ""
    remittance = f"<RmtInf><Ustrd>{ref}</Ustrd></RmtInf>" if ref else ""
    return TX.format(
        refs=f"<EndToEndId>{e2e}</EndToEndId>", amount=amount_xml, payer=payer, iban=iban, remittance=remittance
    )


def entry(
    amount: str, txs: list[str], *, ref: str = "", debit: bool = False, reversal: bool = False, info: str = ""
) -> str:
    reference = f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else ""
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{"DBIT" if debit else "CRDT"}</CdtDbtInd>'
        f"<RvslInd>{'true' if reversal else 'false'}</RvslInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>2025-03-05</Dt></BookgDt><ValDt><Dt>2025-03-06</Dt></ValDt>{reference}"
        f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls>{''.join(txs)}</NtryDtls>" + (f"<AddtlNtryInf>{info}</AddtlNtryInf>" if info else "") + "</Ntry>"
    )


def document(entries: list[str], message: str = "camt.053.001.08", statement: str = "S1") -> str:
    wrapper = "BkToCstmrStmt" if message.startswith("camt.053") else "BkToCstmrDbtCdtNtfctn"
    block = "Stmt" if message.startswith("camt.053") else "Ntfctn"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:{message}">'
        f"<{wrapper}><GrpHdr><MsgId>{statement}</MsgId></GrpHdr><{block}><Id>{statement}</Id>"
        f"{''.join(entries)}</{block}></{wrapper}></Document>"
    )


def rows(tmp_path: Path, xml: str, name: str = "s.xml") -> list[dict[str, str]]:
    path = tmp_path / name
    path.write_text(xml)
    return [dict(zip(CAMT_COLUMNS, row, strict=True)) for row in read_camt(path).rows]


def test_batch_credit_is_one_payment_per_transaction(tmp_path: Path) -> None:
    """Entry 150.00 = 100.00 + 50.00: two payments, ids '<AcctSvcrRef>/<position>', each with its own
    amount, reference, end-to-end id, payer and IBAN; its references for matching another file's copy
    are the entry's with the position and its end-to-end id (D73)."""
    found = rows(
        tmp_path,
        document(
            [
                entry(
                    "150.00",
                    [tx("E1", "100.00", "Ann", "INV-202502-A1"), tx("E2", "50.00", "Bob", "A2", "NL91ABNA0417164300")],
                    ref="B1",
                    info="BATCH 2",
                )
            ]
        ),
    )
    assert [
        (r["payment_id"], r["amount"], r["reference"], r["end_to_end_id"], r["payer_name"], r["debtor_iban"])
        for r in found
    ] == [
        ("B1/1", "100.00", "INV-202502-A1", "E1", "Ann", "DE02120300000000202051"),
        ("B1/2", "50.00", "A2", "E2", "Bob", "NL91ABNA0417164300"),
    ]
    assert {r["entry_kind"] for r in found} == {"credit"} and {r["paid_at"] for r in found} == {"2025-03-06"}
    assert {r["additional_info"] for r in found} == {"BATCH 2"}
    assert [r["bank_references"] for r in found] == ["B1/1 E1", "B1/2 E2"]


def test_batch_without_transaction_amounts_stays_one_payment(tmp_path: Path) -> None:
    """Without an amount per TxDtls the entry cannot be split: one payment of 150.00, both references."""
    found = rows(
        tmp_path, document([entry("150.00", [tx("E1", None, "Ann", "INV-1"), tx("E2", None, "Bob", "A2")], ref="B1")])
    )
    assert [(r["payment_id"], r["amount"], r["remittance_text"]) for r in found] == [("B1", "150.00", "INV-1 A2")]


def test_batch_whose_transactions_do_not_add_up_stays_one_payment(tmp_path: Path) -> None:
    """Entry 30.00 whose two TxDtls say 20.00 each (20.00 + 20.00 = 40.00, not 30.00): splitting would book
    40.00 against 30.00 received, so it stays one payment of the entry's 30.00 with both texts (D72)."""
    found = rows(
        tmp_path, document([entry("30.00", [tx("E1", "20.00", "Ann", "A3"), tx("E2", "20.00", "Bob", "A3")], ref="B2")])
    )
    assert [(r["payment_id"], r["amount"], r["remittance_text"]) for r in found] == [("B2", "30.00", "A3 A3")]


def test_batch_return_reverses_each_payment_by_its_end_to_end_id(tmp_path: Path) -> None:
    """A returned batch (DBIT with RvslInd) of 30.00 + 20.00: two reversals, each naming its own
    end-to-end id and amount."""
    found = rows(
        tmp_path,
        document(
            [
                entry(
                    "50.00",
                    [tx("E1", "30.00", "Ann", "AM04"), tx("E2", "20.00", "Bob", "")],
                    ref="R9",
                    debit=True,
                    reversal=True,
                )
            ]
        ),
    )
    assert [(r["payment_id"], r["amount"], r["entry_kind"], r["reversal_of"]) for r in found] == [
        ("R9/1", "30.00", "reversal", "E1"),
        ("R9/2", "20.00", "reversal", "E2"),
    ]


def test_entry_without_references_gets_a_stable_content_id(tmp_path: Path) -> None:
    """No AcctSvcrRef/NtryRef, end-to-end NOTPROVIDED (a placeholder, never an id): 'CAMT-' + 20 hex
    digits of a hash of what the transaction says. Two identical transfers in one statement stay two
    payments ('-2'); the same statement sent again (another MsgId and statement id) gives the same ids."""
    same = tx("NOTPROVIDED", None, "Ann", "A1")
    first = rows(
        tmp_path,
        document(
            [entry("20.00", [same]), entry("20.00", [same]), entry("30.00", [tx("NOTPROVIDED", None, "Bob", "A2")])]
        ),
        "a.xml",
    )
    ids = [r["payment_id"] for r in first]
    assert ids[0].startswith("CAMT-") and len(ids[0]) == 25 and ids[1] == ids[0] + "-2" and ids[2] != ids[0]
    assert {r["end_to_end_id"] for r in first} == {""}
    again = rows(
        tmp_path,
        document(
            [entry("20.00", [same]), entry("20.00", [same]), entry("30.00", [tx("NOTPROVIDED", None, "Bob", "A2")])],
            statement="S1-RESENT",
        ),
        "b.xml",
    )
    assert [r["payment_id"] for r in again] == ids


@pytest.mark.parametrize("version", ["02", "04", "08", "13"])
def test_the_same_entry_in_a_053_and_a_054_is_the_same_payment(tmp_path: Path, version: str) -> None:
    """Without references, in a statement and a notification of any version: equal content, equal id;
    with an AcctSvcrRef, that is the id in both."""
    plain = [entry("20.00", [tx("E7", None, "Ann", "A1")]), entry("40.00", [tx("E8", None, "Bob", "A2")], ref="K1")]
    statement = rows(tmp_path, document(plain, f"camt.053.001.{version}"), "st.xml")
    notification = rows(tmp_path, document(plain, f"camt.054.001.{version}", statement="N1"), "nt.xml")
    assert [r["payment_id"] for r in statement] == [r["payment_id"] for r in notification]
    assert statement[1]["payment_id"] == "K1"


def test_a_054_worded_differently_from_the_053_is_still_the_same_payment(tmp_path: Path) -> None:
    """No bank reference, but end-to-end ids E7 and E8 (the payer's, unique per transfer): the statement
    reports both transfers as one batch entry with "Sammelgutschrift", the notification each in its own
    entry with other texts. Each transfer has the same id in both, so the second copy is rejected as
    already loaded (D73). A transfer with nothing of its own (NOTPROVIDED) still hashes its texts."""
    batch = entry(
        "60.00",
        [tx("E7", "20.00", "Ann", "INV-1 Ann"), tx("E8", "40.00", "Bob", "INV-2")],
        info="Sammelgutschrift",
    )
    statement = rows(tmp_path, document([batch]), "st.xml")
    notification = rows(
        tmp_path,
        document(
            [
                entry("20.00", [tx("E7", "20.00", "Ann", "INV-1 Ann, thank you")], info="Gutschrift SEPA"),
                entry("40.00", [tx("E8", "40.00", "Bob", "INV-2 march")]),
            ],
            "camt.054.001.08",
            statement="N1",
        ),
        "nt.xml",
    )
    assert [r["payment_id"] for r in statement] == [r["payment_id"] for r in notification]
    assert len({r["payment_id"] for r in statement}) == 2
    worded = [entry("20.00", [tx("NOTPROVIDED", None, "Ann", text)]) for text in ("A1", "A1 thanks")]
    first, second = rows(tmp_path, document(worded), "w.xml")
    assert first["payment_id"] != second["payment_id"]


def test_additional_information_is_kept_for_matching(tmp_path: Path) -> None:
    """No RmtInf: AddtlTxInf then AddtlNtryInf, each once, are the texts matching reads last (D75)."""
    single = entry(
        "10.00",
        ["<TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs><AddtlTxInf>A000102</AddtlTxInf></TxDtls>"],
        ref="X1",
        info="A000102",
    )
    (found,) = rows(tmp_path, document([single]))
    assert (found["reference"], found["remittance_text"], found["additional_info"]) == ("", "", "A000102")


def test_other_messages_are_not_payments(tmp_path: Path) -> None:
    path = tmp_path / "pain.xml"
    path.write_text(document([], "pain.001.001.09"))
    with pytest.raises(UnreadableFile, match="not a camt.053 statement or camt.054 notification"):
        read_camt(path)


def test_rf_references_used_in_the_dbt_unit_tests_are_what_stdnum_says() -> None:
    """The RF references of dbt/models/intermediate/payments/_unit_tests_matching.yml, where the SQL
    check iso11649_is_valid decides: RF02INV202502A2 valid, RF00INV202502A1 not (RF29... is)."""
    assert iso11649.is_valid("RF02INV202502A2") and iso11649.format("RF02INV202502A2") == "RF02 INV2 0250 2A2"
    assert not iso11649.is_valid("RF00INV202502A1") and iso11649.is_valid("RF29INV202502A1")


def test_value_date_comes_first_in_either_form_and_a_return_needs_no_reversal_indicator(tmp_path: Path) -> None:
    """ValDt written as a date-time (2025-03-05T18:00), or as a date with a zone (2025-03-05+01:00), wins
    over BookgDt/Dt (2025-03-06): the value date is the payment's date whichever form it takes. A DBIT
    entry with <RtrInf> (reason AC04) and no <RvslInd> is a direct debit return: a reversal of its
    end-to-end id DD1, with its reason code."""
    value_dated = (
        '<Ntry><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-03-06</Dt></BookgDt>'
        "<ValDt><DtTm>2025-03-05T18:00:00</DtTm></ValDt><AcctSvcrRef>V1</AcctSvcrRef></Ntry>"
    )
    returned = (
        '<Ntry><Amt Ccy="EUR">45.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2025-03-07</Dt></BookgDt>'
        "<AcctSvcrRef>R9</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd>"
        "</Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>DD1</EndToEndId></Refs>"
        "<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>"
    )
    zoned = value_dated.replace(
        "<ValDt><DtTm>2025-03-05T18:00:00</DtTm></ValDt>", "<ValDt><Dt>2025-03-05+01:00</Dt></ValDt>"
    )
    dated, back, dated_with_zone = rows(tmp_path, document([value_dated, returned, zoned]))
    assert dated["paid_at"] == dated_with_zone["paid_at"] == "2025-03-05"
    assert (back["entry_kind"], back["reversal_of"], back["return_reason_code"]) == ("reversal", "DD1", "AC04")
