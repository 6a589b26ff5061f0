"""Case 16 (tests/cases/16-sepa-direct-debit/): SEPA direct debits out (pain.008) and back (camt.053
credits, a camt return with RvslInd, a pain.002 reject). Base amounts (tests/cases/base, RES-E1 at
0.20 EUR/kWh, no VAT): February A000101 500 kWh = 100.00, A000102 250 kWh = 50.00, A000103 100 kWh
= 20.00; March 20.00, 10.00, 20.00 of charges, plus a late charge of 1.5% of the February invoice
still unpaid at March's bill run (the bank's files come later): 1.50, 0.75, 0.30, so 21.50, 10.75,
20.30; due dates 21 Mar and 21 Apr 2024 (bill day 1 + 20 days).
Run once for the module: `m2c run` through March, `m2c collect` of February and March, the bank's
files, and `m2c run` through March again."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from lxml import etree

from tests.cases import CaseRun, run_case
from tests.conftest import create_database

CASE = "16-sepa-direct-debit"
pytestmark = pytest.mark.timeout(1800)  # the module's fixture runs the pipeline twice (about 3-8 minutes)
PAIN008 = "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"


@dataclass(frozen=True)
class SepaRun:
    run: CaseRun
    collect_output: dict[str, str]
    files: dict[str, Path]  # period -> pain.008


def m2c(home: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {
        "M2C_HOME": str(home),
        "M2C_LANDING_DIR": str(home / "landing"),
        "M2C_DATABASE_URL": url,
        "M2C_FIRST_PERIOD": "",
    }
    env.pop("M2C_POLICY", None)
    return subprocess.run([sys.executable, "-m", "m2c.cli", *args], env=env, capture_output=True, text=True)


def transactions(path: Path) -> list[dict[str, str]]:
    """Each DrctDbtTxInf of a pain.008 with its block's sequence type and collection date."""
    ns = {"p": PAIN008}
    found = []
    for block in etree.parse(str(path)).getroot().iterfind(".//p:PmtInf", ns):
        for tx in block.iterfind("p:DrctDbtTxInf", ns):
            found.append(
                {
                    "e2e": tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns),
                    "amount": tx.findtext("p:InstdAmt", namespaces=ns),
                    "mandate": tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:MndtId", namespaces=ns),
                    "seq": block.findtext("p:PmtTpInf/p:SeqTp", namespaces=ns),
                    "date": block.findtext("p:ReqdColltnDt", namespaces=ns),
                }
            )
    return found


def camt_entry(ref: str, day: str, amount: str, direction: str, reversal: bool, e2e: str, reason: str = "") -> str:
    returned = f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>" if reason else ""
    return (
        f'<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd>'
        f"<RvslInd>{'true' if reversal else 'false'}</RvslInd><Sts><Cd>BOOK</Cd></Sts>"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>"
        f"<RmtInf><Ustrd>SEPA direct debit</Ustrd></RmtInf>{returned}</TxDtls></NtryDtls></Ntry>"
    )


def bank_files(landing: Path, february: dict[str, dict[str, str]]) -> None:
    """camt.053 of March: both February collections booked on 21 Mar, A000103's returned on 26 Mar
    (AM04); pain.002 of 28 Mar rejecting A000101's (MD01)."""
    a101, a103 = february["MNDT-A000101"], february["MNDT-A000103"]
    entries = [
        camt_entry("DD101", "2024-03-21", a101["amount"], "CRDT", False, a101["e2e"]),
        camt_entry("DD103", "2024-03-21", a103["amount"], "CRDT", False, a103["e2e"]),
        camt_entry("RT103", "2024-03-26", a103["amount"], "DBIT", True, a103["e2e"], "AM04"),
    ]
    (landing / "payments").mkdir(exist_ok=True)
    (landing / "payments" / "camt053_2024-03.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>STMT202403</MsgId><CreDtTm>2024-03-31T23:59:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>STMT202403</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>\n"
    )
    (landing / "payments" / "pain002_2024-03-28.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>'
        "<GrpHdr><MsgId>STS-0328</MsgId><CreDtTm>2024-03-28T08:00:00</CreDtTm></GrpHdr>"
        "<OrgnlGrpInfAndSts><OrgnlMsgId>M2C</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId>"
        "<GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>"
        "<OrgnlPmtInfAndSts><OrgnlPmtInfId>P1</OrgnlPmtInfId><TxInfAndSts><StsId>S1</StsId>"
        f"<OrgnlEndToEndId>{a101['e2e']}</OrgnlEndToEndId><TxSts>RJCT</TxSts>"
        "<StsRsnInf><Rsn><Cd>MD01</Cd></Rsn></StsRsnInf>"
        f'<OrgnlTxRef><Amt><InstdAmt Ccy="EUR">{a101["amount"]}</InstdAmt></Amt>'
        "<ReqdColltnDt>2024-03-21</ReqdColltnDt><Dbtr><Pty><Nm>Mara Test</Nm></Pty></Dbtr></OrgnlTxRef>"
        "</TxInfAndSts><TxInfAndSts><StsId>S2</StsId><OrgnlEndToEndId>OTHER</OrgnlEndToEndId><TxSts>ACSC</TxSts>"
        "</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n"
    )


@pytest.fixture(scope="module")
def sepa(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SepaRun]:
    url = create_database(server_url, "case_16_sepa")
    home: Path = tmp_path_factory.mktemp("case16")
    run_case(CASE, "2024-03", url, home)
    outputs, files = {}, {}
    for period in ("2024-02", "2024-03"):
        done = m2c(home, url, "collect", "--period", period)
        assert done.returncode == 0, done.stdout + done.stderr
        outputs[period] = done.stdout
        files[period] = home / "exports" / period / "collections" / f"pain.008-{period}.xml"
    february = {tx["mandate"]: tx for tx in transactions(files["2024-02"])}
    bank_files(home / "landing", february)
    rerun = m2c(home, url, "run", "--from", "2024-03", "--through", "2024-03")  # the bank's files are of March
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    yield SepaRun(CaseRun(url, home, rerun.stdout), outputs, files)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute('drop database if exists "case_16_sepa" with (force)')


def test_pain008_validates_against_the_xsd(sepa: SepaRun) -> None:
    """Both files are valid pain.008.001.08 (the XSD sepaxml ships, checked here independently), each
    with a MsgId that names its period and the time on a 24-hour clock: M2C-2024-02-YYYYMMDDHHMMSS."""
    import sepaxml
    import xmlschema

    schema = xmlschema.XMLSchema(str(Path(sepaxml.__file__).parent / "schemas" / "pain.008.001.08.xsd"))
    for period, path in sepa.files.items():
        schema.validate(str(path))
        msg_id = re.search(r"<MsgId>([^<]+)</MsgId>", path.read_text()).group(1)
        assert re.fullmatch(rf"M2C-{period}-\d{{8}}([01]\d|2[0-3])[0-5]\d[0-5]\d", msg_id), msg_id


def test_first_then_recurring_collections_due_on_the_due_date(sepa: SepaRun) -> None:
    """February: FRST for both mandates, 100.00 and 20.00 on 21 Mar; March: RCUR, 21.50 (20.00 + 1.5% of
    100.00) and 20.30 (20.00 + 1.5% of 20.00) on 21 Apr. The end-to-end id is the invoice's payment
    reference (RF + check digits + invoice number)."""
    references = dict(
        sepa.run.rows("select invoice_id, payment_reference from marts.fct_invoices where account_id <> 'A000102'")
    )
    seen = {
        period: sorted((t["mandate"], t["seq"], t["date"], t["amount"], t["e2e"]) for t in transactions(path))
        for period, path in sepa.files.items()
    }
    assert seen == {
        "2024-02": [
            ("MNDT-A000101", "FRST", "2024-03-21", "100.00", references["INV-202402-A000101"]),
            ("MNDT-A000103", "FRST", "2024-03-21", "20.00", references["INV-202402-A000103"]),
        ],
        "2024-03": [
            ("MNDT-A000101", "RCUR", "2024-04-21", "21.50", references["INV-202403-A000101"]),
            ("MNDT-A000103", "RCUR", "2024-04-21", "20.30", references["INV-202403-A000103"]),
        ],
    }
    assert references["INV-202402-A000103"].endswith("INV202402A000103")


def test_an_account_without_a_mandate_is_billed_not_collected(sepa: SepaRun) -> None:
    """A000102 (direct_debit, no mandate) is listed with the reason; its invoices are billed: 50.00 and
    10.00 + 0.75 late charge (1.5% of the unpaid 50.00) = 10.75."""
    for output in sepa.collect_output.values():
        assert "A000102" in output and "no SEPA mandate" in output
        assert "2 direct debits" in output
    billed = sepa.run.rows(
        "select period, total_amount from marts.fct_invoices where account_id = 'A000102' order by period"
    )
    assert billed == [("2024-02", Decimal("50.00")), ("2024-03", Decimal("10.75"))]


def test_the_return_and_the_reject_reopen_exactly_their_invoices(sepa: SepaRun) -> None:
    """Booked 21 Mar: 100.00 pays INV-202402-A000101, 20.00 pays INV-202402-A000103. Returned (AM04)
    and rejected (MD01): both reversed, so at March's end the February invoices are open again in full
    (100.00, 20.00) beside the unpaid March ones (21.50, 20.30, late charges included) and A000102's
    (50.00, 10.75)."""
    payments = sepa.run.rows(
        """select payment_id, entry_kind, invoice_id, reversed_payment_id, return_reason_code, return_reason
           from marts.fct_payments where period = '2024-03' order by payment_id"""
    )
    assert payments == [
        ("DD101", "credit", "INV-202402-A000101", None, None, None),
        ("DD103", "credit", "INV-202402-A000103", None, None, None),
        (
            "RJCT-"
            + sepa.run.scalar(
                "select payment_reference from marts.fct_invoices where invoice_id = 'INV-202402-A000101'"
            ),
            "reversal",
            None,
            "DD101",
            "MD01",
            "No valid mandate",
        ),
        ("RT103", "reversal", None, "DD103", "AM04", "Insufficient funds"),
    ]
    open_items = sepa.run.rows(
        """select invoice_id, sum(open_amount) from marts.fct_ar_open_items where period = '2024-03'
           group by invoice_id order by invoice_id"""
    )
    assert open_items == [
        ("INV-202402-A000101", Decimal("100.00")),
        ("INV-202402-A000102", Decimal("50.00")),
        ("INV-202402-A000103", Decimal("20.00")),
        ("INV-202403-A000101", Decimal("21.50")),
        ("INV-202403-A000102", Decimal("10.75")),
        ("INV-202403-A000103", Decimal("20.30")),
    ]


def test_dunning_data_shows_the_return_reason(sepa: SepaRun) -> None:
    """March's dunning rows: A000101 MD01 (28 Mar), A000103 AM04 (26 Mar), A000102 none."""
    dunning = sepa.run.rows(
        """select account_id, last_returned_on::text, last_return_reason_code, last_return_reason
           from marts.fct_dunning_stages where period = '2024-03' order by account_id"""
    )
    assert dunning == [
        ("A000101", "2024-03-28", "MD01", "No valid mandate"),
        ("A000102", None, None, None),
        ("A000103", "2024-03-26", "AM04", "Insufficient funds"),
    ]
