"""pain.002 payment status reports: the bank's rejects of our SEPA direct debit collections (D85).

A pain.002 (ISO 20022 CustomerPaymentStatusReport, versions .001.03 to .001.12) lands in payments/
beside the camt.053 statements; the reader tells them apart by the document's namespace. Each
transaction reported with status RJCT (its own TxSts, else its payment information's PmtInfSts, else
the group's GrpSts) becomes a payments row of entry_kind 'reversal' that reverses the collection whose
end-to-end id it names (OrgnlEndToEndId), with the reason code of StsRsnInf/Rsn/Cd (or /Prtry).
Other statuses (ACCP, ACSC, PDNG, ...) are acknowledgements, not money, and yield no row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ingestion.dialects import Rejected
from ingestion.readers import CAMT_COLUMNS, Table, UnreadableFile

REJECTED = "RJCT"


def _root_namespace(path: Path) -> str:
    from lxml import etree

    try:
        _, root = next(etree.iterparse(str(path), events=("start",)))
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"not well-formed XML ({exc})") from exc
    except StopIteration as exc:
        raise UnreadableFile("the file is empty") from exc
    return etree.QName(root).namespace or ""


def is_pain002(path: Path) -> bool:
    """Whether an XML file's root is in a pain.002 namespace (urn:iso:std:iso:20022:tech:xsd:pain.002.*)."""
    return "pain.002" in _root_namespace(path)


def _text(element, path: str, ns: dict[str, str]) -> str:
    """The stripped text of the first element at an XPath of local names (prefixed p:), or ''."""
    found = element.xpath(path, namespaces=ns)
    return (found[0].text or "").strip() if found else ""


def transaction_row(tx, ns: dict[str, str], created_on: str) -> list[str] | Rejected:
    """One TxInfAndSts as a payments row (CAMT_COLUMNS order): a reversal of the named collection.

    Returns a Rejected row when the transaction does not name the collection (no OrgnlEndToEndId).
    """
    end_to_end = _text(tx, "p:OrgnlEndToEndId", ns)
    amount = tx.xpath("p:OrgnlTxRef/p:Amt/p:InstdAmt", namespaces=ns)
    reason = _text(tx, "p:StsRsnInf/p:Rsn/p:Cd", ns) or _text(tx, "p:StsRsnInf/p:Rsn/p:Prtry", ns)
    fields = {
        "payment_id": f"RJCT-{end_to_end}",
        "paid_at": created_on or _text(tx, "p:OrgnlTxRef/p:ReqdColltnDt", ns),
        "amount": (amount[0].text or "").strip() if amount else "",
        "currency": amount[0].get("Ccy", "") if amount else "",
        "channel": "direct_debit",
        "reversal_of": end_to_end,
        "end_to_end_id": end_to_end,
        "payer_name": _text(tx, "p:OrgnlTxRef/p:Dbtr/p:Nm", ns) or _text(tx, "p:OrgnlTxRef/p:Dbtr/p:Pty/p:Nm", ns),
        "remittance_text": " ".join(
            u.text.strip() for u in tx.xpath("p:OrgnlTxRef/p:RmtInf/p:Ustrd", namespaces=ns) if u.text
        ),
        "entry_kind": "reversal",
        "debtor_iban": _text(tx, "p:OrgnlTxRef/p:DbtrAcct/p:Id/p:IBAN", ns),
        "return_reason_code": reason,
    }
    row = [fields.get(column, "") for column in CAMT_COLUMNS]
    if not end_to_end:
        return Rejected(row, "a rejected transaction without OrgnlEndToEndId does not name the collection it rejects")
    return row


def read_pain002(path: Path) -> Table:
    """The RJCT transactions of a pain.002 as payments rows (reversals), in document order.

    Raises UnreadableFile when the report rejects a whole message or payment information block
    without listing its transactions (nothing then names which collections failed).
    """
    from lxml import etree

    namespace = _root_namespace(path)
    ns = {"p": namespace}
    try:
        document = etree.parse(str(path))
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"XML breaks off or is malformed ({exc})") from exc
    report = document.getroot().find("p:CstmrPmtStsRpt", ns)
    if report is None:
        raise UnreadableFile("a pain.002 document without <CstmrPmtStsRpt>")
    created_on = _text(report, "p:GrpHdr/p:CreDtTm", ns)[:10]
    group_status = _text(report, "p:OrgnlGrpInfAndSts/p:GrpSts", ns)
    blocks = report.xpath("p:OrgnlPmtInfAndSts", namespaces=ns)
    listed = report.xpath("p:OrgnlPmtInfAndSts/p:TxInfAndSts", namespaces=ns)
    if group_status == REJECTED and not listed:
        message = _text(report, "p:OrgnlGrpInfAndSts/p:OrgnlMsgId", ns)
        why = _text(report, "p:OrgnlGrpInfAndSts/p:StsRsnInf/p:Rsn/p:Cd", ns)
        raise UnreadableFile(
            f"the report rejects the whole message '{message}' (GrpSts RJCT{', reason ' + why if why else ''}) "
            "without listing its transactions: nothing of it was collected; correct and send the collection again"
        )
    for block in blocks:
        if _text(block, "p:PmtInfSts", ns) == REJECTED and not block.xpath("p:TxInfAndSts", namespaces=ns):
            raise UnreadableFile(
                f"the report rejects payment information '{_text(block, 'p:OrgnlPmtInfId', ns)}' whole "
                "(PmtInfSts RJCT) without listing its transactions: nothing of it was collected"
            )

    def rows() -> Iterator[list[str] | Rejected]:
        for block in blocks:
            block_status = _text(block, "p:PmtInfSts", ns) or group_status
            for tx in block.xpath("p:TxInfAndSts", namespaces=ns):
                if (_text(tx, "p:TxSts", ns) or block_status) == REJECTED:
                    yield transaction_row(tx, ns, created_on)

    return Table("payments", list(CAMT_COLUMNS), rows(), first_row_no=1)
