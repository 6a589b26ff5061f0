"""A transfer reported by a camt.053 and a camt.054 that give it different references is loaded once
(D73): the loader takes a row of another file with the same date, amount, currency and kind, no
conflicting debtor IBAN or end-to-end id, and a reference in common (or the same texts, or the same
batch entry) for the same transaction, and keeps the second copy as a rejected row with its reason.
Hand-made statements loaded into a fresh database."""

from __future__ import annotations

from pathlib import Path

import psycopg

from ingestion.loader import ingest_landing
from tests.test_camt import document


def ntry(
    day: str,
    amount: str,
    text: str,
    *,
    acct_svcr_ref: str = "",
    ntry_ref: str = "",
    e2e: str = "NOTPROVIDED",
    iban: str = "DE02120300000000202051",
) -> str:
    """One credit entry of one transaction; only the references given are written."""
    entry_refs = f"<NtryRef>{ntry_ref}</NtryRef>" if ntry_ref else ""
    bank_ref = f"<AcctSvcrRef>{acct_svcr_ref}</AcctSvcrRef>" if acct_svcr_ref else ""
    return (
        f'<Ntry>{entry_refs}<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>{day}</Dt></BookgDt>{bank_ref}"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>"
        f"<RltdPties><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>"
        f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


def test_a_transfer_in_a_053_and_a_054_under_other_references_is_loaded_once(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    """Statement a_053.xml holds five transfers of 03-05, notification b_054.xml six:
    - NtryRef 1 only in the 053, NtryRef 1 + AcctSvcrRef BK-9 in the 054 (20.00 on 03-05, text INV-A):
      NtryRef is no reference, but the texts are the same;
    - AcctSvcrRef BK-1 + end-to-end E1 in the 053, only E1 in the 054 (30.00): shared 'E1';
    - AcctSvcrRef BK-2 in the 053, nothing in the 054, same text INV-C (40.00): the same texts;
    - BK-3 and BK-4, 50.00 the same day, other texts: two transfers, both loaded;
    - BK-5 and BK-6, 60.00, NtryRef 7 in both but other debtor IBANs: two transfers;
    - the 054 adds a 70.00 transfer of its own.
    The next day's statement c_053.xml numbers its entry NtryRef 1 again (25.00): NtryRef is unique
    only within its statement, so it is no id and both NtryRef-1 transfers are loaded.
    Loaded: 5 + 6 - 3 copies + 1 = 9 payments."""
    landing = tmp_path / "landing"
    (landing / "payments").mkdir(parents=True)
    statement = [
        ntry("2025-03-05", "20.00", "INV-A", ntry_ref="1"),
        ntry("2025-03-05", "30.00", "INV-B", acct_svcr_ref="BK-1", e2e="E1"),
        ntry("2025-03-05", "40.00", "INV-C", acct_svcr_ref="BK-2"),
        ntry("2025-03-05", "50.00", "INV-D1", acct_svcr_ref="BK-3"),
        ntry("2025-03-05", "60.00", "INV-E", acct_svcr_ref="BK-5", ntry_ref="7"),
    ]
    notification = [
        ntry("2025-03-05", "20.00", "INV-A", ntry_ref="1", acct_svcr_ref="BK-9"),
        ntry("2025-03-05", "30.00", "INV-B march", e2e="E1"),
        ntry("2025-03-05", "40.00", "INV-C"),
        ntry("2025-03-05", "50.00", "INV-D2", acct_svcr_ref="BK-4"),
        ntry("2025-03-05", "60.00", "INV-E", acct_svcr_ref="BK-6", ntry_ref="7", iban="NL91ABNA0417164300"),
        ntry("2025-03-05", "70.00", "INV-G", acct_svcr_ref="BK-7"),
    ]
    (landing / "payments" / "a_053.xml").write_text(document(statement))
    (landing / "payments" / "b_054.xml").write_text(document(notification, "camt.054.001.08", "N1"))
    next_day = [ntry("2025-03-06", "25.00", "INV-F", ntry_ref="1")]
    (landing / "payments" / "c_053.xml").write_text(document(next_day, statement="S2"))

    results = ingest_landing(conn, landing, quarantine=tmp_path / "quarantine")

    assert [r.status for r in results] == ["loaded", "loaded", "loaded"]
    loaded = conn.execute(
        """select f.file_name, p.amount::text from raw.payments p join raw.load_ledger f on f.file_id = p._file_id
           order by 1, 2"""
    ).fetchall()
    assert [f"{name}:{amount}" for name, amount in loaded] == [
        "a_053.xml:20.00",
        "a_053.xml:30.00",
        "a_053.xml:40.00",
        "a_053.xml:50.00",
        "a_053.xml:60.00",
        "b_054.xml:50.00",
        "b_054.xml:60.00",
        "b_054.xml:70.00",
        "c_053.xml:25.00",
    ]
    first = dict(conn.execute("select amount::text, payment_id from raw.payments where paid_at = '2025-03-05'"))
    rejected = conn.execute(
        """select r.row_no, r.reason from raw.rejects r join raw.load_ledger f using (file_id)
           where f.file_name = 'b_054.xml' order by 1"""
    ).fetchall()
    assert rejected == [
        (1, f'the same transaction as payment_id "{first["20.00"]}", already loaded from a_053.xml'),
        (2, 'the same transaction as payment_id "BK-1", already loaded from a_053.xml'),
        (3, 'the same transaction as payment_id "BK-2", already loaded from a_053.xml'),
    ]
    assert first["20.00"].startswith("CAMT-")  # NtryRef alone is no id


def land(conn: psycopg.Connection, tmp_path: Path, files: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Lands the files one at a time, in this order, each in its own load (as they arrive); per file the
    amounts loaded, then 'rejected: <reason>' for each row set aside."""
    landing = tmp_path / "landing"
    (landing / "payments").mkdir(parents=True, exist_ok=True)
    for name, xml in files:
        (landing / "payments" / name).write_text(xml)
        ingest_landing(conn, landing, quarantine=tmp_path / "quarantine")
    outcome: dict[str, list[str]] = {name: [] for name, _ in files}
    for name, amount in conn.execute(
        """select f.file_name, p.amount::text from raw.payments p join raw.load_ledger f on f.file_id = p._file_id
           order by f.file_name, p._row_no"""
    ):
        outcome[name].append(amount)
    for name, reason in conn.execute(
        """select f.file_name, r.reason from raw.rejects r join raw.load_ledger f using (file_id)
           order by f.file_name, r.row_no"""
    ):
        outcome[name].append(f"rejected: {reason}")
    return outcome


def batch(day: str, total: str, parts: list[tuple[str, ...]], *, ref: str) -> str:
    """A batch entry: its transactions' end-to-end ids with amounts (split), or without (one payment), and
    texts (else the end-to-end id)."""
    txs = "".join(
        f"<TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>"
        + (f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>' if amount else "")
        + f"<RmtInf><Ustrd>{text[0] if text else e2e}</Ustrd></RmtInf></TxDtls>"
        for e2e, amount, *text in parts
    )
    return (
        f'<Ntry><Amt Ccy="EUR">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        f"<NtryDtls><Btch><NbOfTxs>{len(parts)}</NbOfTxs></Btch>{txs}</NtryDtls></Ntry>"
    )


def test_one_earlier_copy_stands_for_one_payment_only(conn: psycopg.Connection, tmp_path: Path) -> None:
    """The notification n.xml reports one 50.00 transfer without references (text INV-A); the statement
    s.xml then books two 50.00 transfers with text INV-A on that day, under AcctSvcrRef R1 and R2: the
    customer paid twice. The first is the notified one, the second is new: 50.00 + 50.00 = 100.00 in all.
    Two 054s that number their single entry NtryRef 1 (INV-B and INV-C, 30.00 each, nothing else) are two
    transfers: NtryRef is unique only within its message."""
    outcome = land(
        conn,
        tmp_path,
        [
            ("n.xml", document([ntry("2025-03-05", "50.00", "INV-A")], "camt.054.001.08", "N1")),
            (
                "s.xml",
                document(
                    [
                        ntry("2025-03-05", "50.00", "INV-A", acct_svcr_ref="R1"),
                        ntry("2025-03-05", "50.00", "INV-A", acct_svcr_ref="R2"),
                    ]
                ),
            ),
            ("n1.xml", document([ntry("2025-03-06", "30.00", "INV-B", ntry_ref="1")], "camt.054.001.08", "N2")),
            ("n2.xml", document([ntry("2025-03-06", "30.00", "INV-C", ntry_ref="1")], "camt.054.001.08", "N3")),
        ],
    )
    notified = conn.execute("select payment_id from raw.payments where reference = 'INV-A' and _row_no = 1")
    first_id = min(row[0] for row in notified)
    assert outcome == {
        "n.xml": ["50.00"],
        "s.xml": ["50.00", f'rejected: the same transaction as payment_id "{first_id}", already loaded from n.xml'],
        "n1.xml": ["30.00"],
        "n2.xml": ["30.00"],
    }
    assert conn.execute("select payment_id from raw.payments where amount = 50 and _row_no = 2").fetchone() == ("R2",)


def test_a_batch_booked_whole_and_notified_in_parts_is_loaded_once(conn: psycopg.Connection, tmp_path: Path) -> None:
    """Statement s.xml books batch B1 as one entry of 80.00 (its transactions without amounts: one payment
    B1); notification n.xml reports its parts 30.00 + 50.00 (B1/1, B1/2). Whichever comes first stands:
    80.00 in all, never 160.00. Batch B2 (70.00 = 20.00 + 50.00) arrives the other way round."""
    outcome = land(
        conn,
        tmp_path,
        [
            ("a_s.xml", document([batch("2025-03-05", "80.00", [("E1", ""), ("E2", "")], ref="B1")])),
            (
                "b_n.xml",
                document(
                    [
                        batch("2025-03-05", "80.00", [("E1", "30.00"), ("E2", "50.00")], ref="B1"),
                        batch("2025-03-05", "70.00", [("E3", "20.00"), ("E4", "50.00")], ref="B2"),
                    ],
                    "camt.054.001.08",
                    "N1",
                ),
            ),
            ("c_s.xml", document([batch("2025-03-05", "70.00", [("E3", ""), ("E4", "")], ref="B2")], statement="S2")),
        ],
    )
    assert outcome == {
        "a_s.xml": ["80.00"],
        "b_n.xml": [
            "20.00",
            "50.00",
            'rejected: the same transaction as payment_id "B1", already loaded from a_s.xml',
            'rejected: the same transaction as payment_id "B1", already loaded from a_s.xml',
        ],
        "c_s.xml": ['rejected: the same transaction as payment_id "B2/1", already loaded from b_n.xml'],
    }


def test_records_that_are_no_payment_or_cannot_be_stored_are_rejected_with_their_reason(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    """A pending entry (Sts PDNG) is no payment yet; an end-to-end id of 3,000 characters (ISO allows 35)
    cannot be indexed: each is a rejected row with its reason, and the 10.00 beside them loads."""
    pending = ntry("2025-03-05", "20.00", "INV-P", acct_svcr_ref="P1").replace("<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>")
    outcome = land(
        conn,
        tmp_path,
        [
            (
                "s.xml",
                document(
                    [
                        pending,
                        ntry("2025-03-05", "30.00", "INV-L", acct_svcr_ref="L1", e2e="X" * 3000),
                        ntry("2025-03-05", "10.00", "INV-G", acct_svcr_ref="G1"),
                    ]
                ),
            )
        ],
    )
    assert outcome == {
        "s.xml": [
            "10.00",
            "rejected: entry_status PDNG is not booked: a pending (PDNG) or information-only (INFO) entry is no"
            " payment yet",
            "rejected: end_to_end_id " + "X" * 60 + " is longer than 140 characters",
        ]
    }


def test_a_batch_notified_as_entries_with_references_of_their_own_is_loaded_once(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    """The notification reports batch B1's two transfers (30.00 INV-A, 50.00 INV-B, no end-to-end ids) as
    entries of their own under AcctSvcrRef N-1 and N-2; the statement books the batch split (B1/1,
    B1/2). No reference is shared, but date, amount and texts are: 30.00 + 50.00 = 80.00 once."""
    parts = [("NOTPROVIDED", "30.00", "INV-A"), ("NOTPROVIDED", "50.00", "INV-B")]
    notification = [
        ntry("2025-03-05", "30.00", "INV-A", acct_svcr_ref="N-1"),
        ntry("2025-03-05", "50.00", "INV-B", acct_svcr_ref="N-2"),
    ]
    outcome = land(
        conn,
        tmp_path,
        [
            ("n.xml", document(notification, "camt.054.001.08", "N1")),
            ("s.xml", document([batch("2025-03-05", "80.00", parts, ref="B1")])),
        ],
    )
    assert outcome == {
        "n.xml": ["30.00", "50.00"],
        "s.xml": [
            'rejected: the same transaction as payment_id "N-1", already loaded from n.xml',
            'rejected: the same transaction as payment_id "N-2", already loaded from n.xml',
        ],
    }
