"""Ingestion against a hand-made corpus: every kind of fault lands in rejects or quarantine with its reason."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from openpyxl import Workbook

from core import db
from ingestion.loader import ingest_landing
from ingestion.quality import run_suite
from tests.helpers import run_job, scalar

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>S1</MsgId><CreDtTm>2025-03-31T23:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><NtryRef>P1</NtryRef><Amt Ccy="EUR">120.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>false</RvslInd>
  <BookgDt><Dt>2025-03-05</Dt></BookgDt><ValDt><Dt>2025-03-05</Dt></ValDt><AcctSvcrRef>BANK-0001</AcctSvcrRef>
  <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd></Fmly></Domn></BkTxCd>
  <NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs><RltdPties><Dbtr><Nm>Ann Lee</Nm></Dbtr></RltdPties>
  <RmtInf><Strd><CdtrRefInf><Ref>INV-202502-A1</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><NtryRef>P2</NtryRef><Amt Ccy="EUR">80.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>false</RvslInd>
  <ValDt><Dt>2025-03-06</Dt></ValDt><AcctSvcrRef>BANK-0002</AcctSvcrRef>
  <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd></Fmly></Domn></BkTxCd>
  <NtryDtls><TxDtls><Refs><EndToEndId>E2E-2</EndToEndId></Refs>
  <RmtInf><Ustrd>Acc A 2</Ustrd><Ustrd>march</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><NtryRef>P3</NtryRef><Amt Ccy="EUR">15.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>false</RvslInd>
  <ValDt><Dt>2025-03-07</Dt></ValDt><AcctSvcrRef>BANK-0003</AcctSvcrRef>
  <NtryDtls><TxDtls><Refs><EndToEndId>E2E-3</EndToEndId></Refs>
  <RmtInf><Ustrd>for Mum</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><NtryRef>R2</NtryRef><Amt Ccy="EUR">80.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>
  <ValDt><Dt>2025-03-10</Dt></ValDt><AcctSvcrRef>BANK-0004</AcctSvcrRef>
  <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd></Fmly></Domn></BkTxCd>
  <NtryDtls><TxDtls><Refs><EndToEndId>E2E-2</EndToEndId></Refs>
  <RmtInf><Ustrd>Return AM04</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><NtryRef>F1</NtryRef><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>false</RvslInd>
  <ValDt><Dt>2025-03-31</Dt></ValDt><AcctSvcrRef>BANK-0005</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>Fee</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><NtryRef>P6</NtryRef><Amt Ccy="EUR">12,50</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>false</RvslInd>
  <ValDt><Dt>2025-03-31</Dt></ValDt><AcctSvcrRef>BANK-0006</AcctSvcrRef></Ntry>
</Stmt></BkToCstmrStmt></Document>
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    land = tmp_path / "landing"
    write(
        land / "accounts" / "accounts.csv",
        "\n".join(
            [
                "account_id,customer_name,customer_class,payment_method,opened_on,iban,district,loyalty_tier",
                "A1,Ann Lee,residential,direct_debit,2024-01-05,DE89 3704 0044 0532 0130 00,North,gold",  # good
                "A2,Bob Stone,Commercial,bank_transfer,2024-01-06,,South,",  # good: enums are case-insensitive
                "A3,,residential,counter,2024-01-07,,,",  # missing required name
                "A4,Cy,alien,counter,2024-01-08,,,",  # unknown enum value
                "A5,Di,residential,counter,2024-02-30,,,",  # impossible date
                "A6,Ed,residential,counter,yesterday,,,",  # not a date
                "A7,Flo,residential,direct_debit,2024-01-09,DE00370400440532013000,,",  # bad IBAN checksum
                "A1,Ann Again,residential,counter,2024-01-05,,,",  # duplicate key in the file
                "A8,Gus,residential,counter,2024-01-10,,,,extra",  # too many fields
                "",  # a blank line is not a row
            ]
        )
        + "\n",
    )
    write(
        land / "meters" / "meters.csv",
        "\n".join(
            [
                "meter_id,service_point_id,installed_on,multiplier,register_digits,unit",
                "M1,SP1,2020-01-01,1,6,kwh",  # good, unit canonicalised to kWh
                "M2,SP2,2020-01-01,x,6,m3",  # not a decimal
                "M3,SP3,2020-01-01,1,6.5,m3",  # not a whole number
                "M4,SP4,2020-01-01,1,6,BTU",  # unknown unit
                "M5,SP5,2020-01-01,-2,6,m3",  # fails its check
            ]
        )
        + "\n",
    )
    write(
        land / "readings" / "readings.csv",
        "\n".join(
            [
                "meter_id,read_at,reading,read_type,source",
                "M1,2025-03-31T10:00:00,1200.5,actual,handheld",  # good
                "M1,2025-03-31T08:00:00+02:00,1200.4,customer,portal",  # good, offset converted to local (UTC)
                "M1,2025-03-31,-3,actual,manual",  # negative
                "M1,31/03/2025,12,actual,manual",  # not ISO
                "M1,2025-03-31T10:00:00,12.5.1,actual,manual",  # not a number
                ",2025-03-31T10:00:00,1,actual,manual",  # missing meter
                "M1,2025-03-31T10:00:00,1,guessed,manual",  # unknown read type
            ]
        )
        + "\n",
    )
    write(land / "readings" / "latin1.csv", "meter_id,read_at,reading\nMÖ,2025-03-31,1\n", encoding="latin-1")
    write(land / "payments" / "statement_2025-03.xml", CAMT)
    write(land / "payments" / "not_xml.xml", "this is not xml at all")
    write(
        land / "payments" / "pain.xml",
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>',
    )
    write(
        land / "payments" / "z_counter.csv",
        "\n".join(
            [
                "payment_id,paid_at,amount,currency,channel,reference,reversal_of",
                "C1,2025-03-08,50.00,EUR,counter,A1,",  # good
                "C2,2025-03-08,0,EUR,counter,A1,",  # not > 0
                "C3,2025-03-08,10.00,XXX,counter,A1,",  # unknown currency
                "C1,2025-03-09,5.00,EUR,counter,A1,",  # duplicate id in file
                "BANK-0001,2025-03-09,5.00,EUR,card,A1,",  # id already loaded from the statement
            ]
        )
        + "\n",
    )
    write(land / "contracts" / "empty.csv", "")
    write(land / "service_points" / "no_service.csv", "service_point_id,address\nSP1,Main St 1\n")
    workbook(land / "tariffs" / "wrong_sheets.xlsx", {"Versions": [["tariff_code"]], "Prices": [["x"]]})
    workbook(
        land / "readings" / "apartments.xlsx",
        {
            "Sheet1": [
                ["meter_id", "read_at", "reading", "read_type", "source"],
                ["M1", "2025-04-30T09:00:00", 1300.25, "actual", "excel"],
                ["M1", "2025-04-30T09:00:00", "n/a", "actual", "excel"],
            ]
        },
    )
    return land


def rejects(conn: psycopg.Connection, target: str) -> dict[int, str]:
    rows = conn.execute("select row_no, reason from raw.rejects where target = %s order by row_no", (target,))
    return dict(rows.fetchall())


def file_rejects(conn: psycopg.Connection, file_name: str) -> dict[int, str]:
    rows = conn.execute(
        """select r.row_no, r.reason from raw.rejects r join raw.load_ledger f using (file_id)
           where f.file_name = %s order by 1""",
        (file_name,),
    )
    return dict(rows.fetchall())


def test_every_fault_is_kept_with_its_reason(corpus: Path, conn: psycopg.Connection, tmp_path: Path) -> None:
    results = ingest_landing(conn, corpus, quarantine=tmp_path / "quarantine")
    by_name = {f"{r.folder}/{r.file_name}": r for r in results}

    assert rejects(conn, "accounts") == {
        4: "customer_name is missing",
        5: 'customer_class "alien" is not one of: residential, commercial, industrial, public, agricultural',
        6: 'opened_on "2024-02-30" is not a date (YYYY-MM-DD)',
        7: 'opened_on "yesterday" is not a date (YYYY-MM-DD)',
        # A7 is loaded: its invalid optional IBAN is set aside with a warning (D101), not its whole row.
        8: 'iban "DE00370400440532013000" is not a valid IBAN (checksum or format); set aside: the row is loaded'
        " without it",
        9: "duplicate account_id: the same as row 2",
        10: "row has 9 fields but the header has 8",
    }
    assert conn.execute("select account_id, customer_class, iban, _extra from raw.accounts order by 1").fetchall() == [
        ("A1", "residential", "DE89370400440532013000", {"loyalty_tier": "gold"}),
        ("A2", "commercial", None, None),
        ("A7", "residential", None, None),
    ]
    kinds = conn.execute("select row_no, kind from raw.rejects where target = 'accounts' and row_no in (4, 8)")
    assert dict(kinds.fetchall()) == {4: "rejected", 8: "warning"}
    raw_values = conn.execute("select raw_values from raw.rejects where target = 'accounts' and row_no = 5").fetchone()[
        0
    ]
    assert raw_values["customer_class"] == "alien" and raw_values["account_id"] == "A4"

    assert rejects(conn, "meters") == {
        3: 'multiplier "x" is not a decimal number (use . for decimals)',
        4: 'register_digits "6.5" is not a whole number',
        5: 'unit "BTU" is not one of: kWh, m3, GJ, Gcal',
        6: "multiplier -2 must be > 0",
    }
    assert conn.execute("select unit from raw.meters").fetchall() == [("kWh",)]

    reading_rejects = conn.execute(
        """select f.file_name, r.row_no, r.reason from raw.rejects r join raw.load_ledger f using (file_id)
           where r.target = 'readings' order by 1, 2"""
    ).fetchall()
    assert reading_rejects == [
        ("apartments.xlsx", 3, 'reading "n/a" is not a decimal number (use . for decimals)'),
        ("readings.csv", 4, "reading -3 must be ≥ 0"),
        ("readings.csv", 5, 'read_at "31/03/2025" is not a timestamp (YYYY-MM-DDTHH:MM:SS)'),
        ("readings.csv", 6, 'reading "12.5.1" is not a decimal number (use . for decimals)'),
        ("readings.csv", 7, "meter_id is missing"),
        ("readings.csv", 8, 'read_type "guessed" is not one of: actual, customer, estimated, install, removal'),
    ]
    assert [str(v) for (v,) in conn.execute("select read_at from raw.readings order by read_at")] == [
        "2025-03-31 06:00:00",  # 08:00+02:00 in UTC, the policy's default utility time zone
        "2025-03-31 10:00:00",
        "2025-04-30 09:00:00",
    ]

    assert file_rejects(conn, "statement_2025-03.xml") == {
        5: "entry_kind debit is not a customer payment (a debit entry: bank charge or outgoing transfer)",
        6: 'amount "12,50" is not a decimal number (use . for decimals)',
    }
    assert file_rejects(conn, "z_counter.csv") == {
        3: "amount 0 must be > 0",
        4: 'currency "XXX" is not an ISO 4217 currency code in use (e.g. EUR, KRW, CNY, RUB)',
        5: "duplicate payment_id: the same as row 2",
        6: 'payment_id "BANK-0001" was already loaded from another file',
    }
    payments = conn.execute(
        "select payment_id, amount, channel, reference, entry_kind, reversal_of from raw.payments order by 1"
    ).fetchall()
    assert [(p[0], str(p[1]), p[2], p[3], p[4], p[5]) for p in payments] == [
        ("BANK-0001", "120.50", "bank_transfer", "INV-202502-A1", "credit", None),
        ("BANK-0002", "80.00", "direct_debit", "Acc A 2 march", "credit", None),
        ("BANK-0003", "15.00", "bank_transfer", "for Mum", "credit", None),  # matches nothing: unapplied later
        ("BANK-0004", "80.00", "direct_debit", "Return AM04", "reversal", "E2E-2"),  # undoes BANK-0002
        ("C1", "50.00", "counter", "A1", None, None),
    ]

    quarantined = {name: r.reason for name, r in by_name.items() if r.status == "quarantined"}
    assert quarantined == {
        "readings/latin1.csv": quarantined["readings/latin1.csv"],
        "payments/not_xml.xml": quarantined["payments/not_xml.xml"],
        "payments/pain.xml": "not a camt.053 statement or camt.054 notification (root <Document> in namespace "
        "'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09')",
        "contracts/empty.csv": "the file is empty",
        "service_points/no_service.csv": "service_points: required column(s) missing from the header: service",
        "tariffs/wrong_sheets.xlsx": "tariff workbook needs sheets 'versions' and 'blocks'; missing blocks "
        "(found: Versions, Prices)",
    }
    assert quarantined["readings/latin1.csv"].startswith("not UTF-8 text")
    assert quarantined["payments/not_xml.xml"].startswith("not well-formed XML")
    assert sorted(p.name.split("_", 1)[1] for p in (tmp_path / "quarantine").rglob("*.*")) == sorted(
        ["latin1.csv", "not_xml.xml", "pain.xml", "empty.csv", "no_service.csv", "wrong_sheets.xlsx"]
    )
    assert scalar_zero(conn, "select count(*) from raw.load_ledger where rows_read <> rows_loaded + rows_rejected")
    accounts_ledger = conn.execute(
        "select rows_read, rows_loaded, rows_rejected from raw.load_ledger where target = 'accounts'"
    ).fetchone()
    assert accounts_ledger == (9, 3, 6)  # A7 loaded with its IBAN set aside


def scalar_zero(conn: psycopg.Connection, query: str) -> bool:
    return conn.execute(query).fetchone()[0] == 0


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = [
        t
        for (t,) in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by 1"
        )
    ]
    return {t: conn.execute(f'select count(*) from raw."{t}"').fetchone()[0] for t in tables}


PARIS_READS = """meter_id,read_at,reading,read_type,source
M1,2024-03-31T01:45:00,10.0,actual,amr
M1,2024-03-31T02:00:00,10.1,actual,amr
M1,2024-03-31T03:00:00,10.2,actual,amr
M1,2024-03-31T03:15:00+0200,10.3,actual,amr
M1,2024-03-31T01:30:00Z,10.4,actual,amr
M1,2024-03-31T24:00:00,12.0,actual,amr
M2,2023-10-29T02:30:00,20.0,actual,amr
M2,2023-10-29T02:30:00,20.5,actual,amr
M2,2023-10-29T02:30:00,21.0,actual,amr
M2,2023-10-29T02:30:00+01:00,20.5,actual,amr
M3,2023-10-29T02:30:00,30.0,actual,amr
M2,2023-10-29 03:00,21.5,actual,amr
"""


def test_every_read_keeps_its_instant(conn: psycopg.Connection, tmp_path: Path) -> None:
    """Europe/Paris: on 31 Mar 2024 the clocks go from 02:00 CET (+01:00) to 03:00 CEST (+02:00); on
    29 Oct 2023 from 03:00 CEST back to 02:00 CET. Row by row (D59, D60):
    01:45 -> 00:45Z; 02:00 does not exist -> rejected, naming the jump; 03:00 -> 01:00Z (CEST);
    03:15+0200 (offset without colon) -> 01:15Z; 01:30Z -> 01:30Z, local 03:30; 24:00 -> 1 Apr 00:00
    CEST = 22:00Z. M2's wall time 02:30 first -> 00:30Z (CEST), second -> 01:30Z (CET), third ->
    rejected; 02:30+01:00 -> 01:30Z (its offset says so; not counted among wall times); M3's 02:30 is
    its own first -> 00:30Z; "2023-10-29 03:00" (space, no seconds) -> 02:00Z (CET)."""
    for folder in ("readings/interval", "readings"):
        write(tmp_path / "land" / folder / "paris.csv", PARIS_READS)
    ingest_landing(conn, tmp_path / "land", timezone_name="Europe/Paris")
    conn.execute("set timezone = 'UTC'")
    for table in ("interval_readings", "readings"):
        loaded = conn.execute(
            f"select meter_id, read_at::text, read_instant::text, reading::text from raw.{table} order by _row_no"
        ).fetchall()
        assert loaded == [
            ("M1", "2024-03-31 01:45:00", "2024-03-31 00:45:00+00", "10.0"),
            ("M1", "2024-03-31 03:00:00", "2024-03-31 01:00:00+00", "10.2"),
            ("M1", "2024-03-31 03:15:00", "2024-03-31 01:15:00+00", "10.3"),
            ("M1", "2024-03-31 03:30:00", "2024-03-31 01:30:00+00", "10.4"),
            ("M1", "2024-04-01 00:00:00", "2024-03-31 22:00:00+00", "12.0"),
            ("M2", "2023-10-29 02:30:00", "2023-10-29 00:30:00+00", "20.0"),
            ("M2", "2023-10-29 02:30:00", "2023-10-29 01:30:00+00", "20.5"),
            ("M2", "2023-10-29 02:30:00", "2023-10-29 01:30:00+00", "20.5"),
            ("M3", "2023-10-29 02:30:00", "2023-10-29 00:30:00+00", "30.0"),
            ("M2", "2023-10-29 03:00:00", "2023-10-29 02:00:00+00", "21.5"),
        ], table
        assert rejects(conn, table) == {
            3: 'read_at "2024-03-31T02:00:00" is not a time in Europe/Paris: the clocks skip it, going from'
            " UTC+01:00 to UTC+02:00; give it with its UTC offset",
            10: 'read_at "2023-10-29T02:30:00" is row 3 of this meter at that local time, but it occurs only twice'
            " in Europe/Paris (the clocks go back from UTC+02:00 to UTC+01:00): the instant cannot be told; give"
            " it with its UTC offset",
        }


def test_loading_the_same_folder_twice_changes_nothing(corpus: Path, conn: psycopg.Connection) -> None:
    ingest_landing(conn, corpus)
    before = table_counts(conn)
    for path in corpus.rglob("*.*"):
        os.utime(path)  # touched, not changed
    again = ingest_landing(conn, corpus)
    assert {r.status for r in again} == {"skipped"}
    assert table_counts(conn) == before


def test_a_changed_file_of_the_same_name_supersedes_its_earlier_version(
    corpus: Path, fresh_db: str, tmp_path: Path
) -> None:
    """Through Dagster and dbt: version 2 of accounts.csv replaces version 1; later files win by key."""
    assert run_job("ingest_landing", fresh_db, landing=corpus)
    accounts = corpus / "accounts" / "accounts.csv"
    accounts.write_text(
        "account_id,customer_name,customer_class,payment_method,opened_on\n"
        "A1,Ann Lee-Park,residential,direct_debit,2024-01-05\n"
    )
    write(
        corpus / "accounts" / "zz_update.csv",
        "account_id,customer_name,customer_class,payment_method,opened_on\nA9,Ivy,public,counter,2025-01-01\n",
    )
    assert run_job("ingest_landing", fresh_db, landing=corpus)
    assert run_job("build_reference_models", fresh_db)
    ledger = scalar(
        fresh_db, "select count(*) from raw.load_ledger where file_name = 'accounts.csv' and superseded_by is not null"
    )
    assert ledger == 1
    names = dict(
        psycopg.connect(fresh_db).execute("select account_id, customer_name from marts.dim_accounts").fetchall()
    )
    # A2 only existed in version 1 of accounts.csv, which no longer counts.
    assert names == {"A1": "Ann Lee-Park", "A9": "Ivy"}


def test_landing_sensor_requests_a_run_only_for_new_or_changed_files(corpus: Path) -> None:
    from dagster_project.resources import Landing
    from dagster_project.sensors import landing_sensor

    resources = {"landing": Landing(path=str(corpus))}
    first = landing_sensor(dg.build_sensor_context(resources=resources))
    assert isinstance(first, dg.RunRequest) and "accounts" in first.tags["m2c/folders"]
    cursor = first.run_key
    context = dg.build_sensor_context(cursor=cursor, resources=resources)
    assert isinstance(landing_sensor(context), dg.SkipReason)
    write(corpus / "readings" / "new.csv", "meter_id,read_at,reading\nM1,2025-05-31T10:00:00,1400\n")
    again = landing_sensor(dg.build_sensor_context(cursor=cursor, resources=resources))
    assert isinstance(again, dg.RunRequest) and again.tags["m2c/folders"] == "readings"


def test_great_expectations_suites_flag_bad_data_that_bypassed_the_loader(
    corpus: Path, fresh_db: str, conn: psycopg.Connection
) -> None:
    shutil.rmtree(corpus / "payments")
    shutil.rmtree(corpus / "readings")
    write(
        corpus / "readings" / "r.csv", "meter_id,read_at,reading\nM1,2025-03-31T10:00:00,5\nM1,2099-01-01T00:00:00,6\n"
    )
    with psycopg.connect(fresh_db) as load:
        ingest_landing(load, corpus)
    result = run_suite(db.sqlalchemy_url(fresh_db), "readings")
    assert not result.success
    assert [(f.expectation, f.column, f.unexpected_count) for f in result.failures] == [
        ("expect_column_values_to_be_between", "read_at", 1),
    ]
    assert run_suite(db.sqlalchemy_url(fresh_db), "readings", period="2025-03").success  # that month is clean
    # Through Dagster: the asset check fails, visibly, and the run itself still completes.
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.resources import resource_config
    from tests.helpers import environment

    with environment(M2C_DATABASE_URL=fresh_db), dg.DagsterInstance.ephemeral() as inst:
        run = defs.resolve_job_def("ingest_landing").execute_in_process(
            instance=inst, run_config=resource_config(landing=corpus)
        )
    evaluations = {e.check_name: e.passed for e in run.get_asset_check_evaluations()}
    assert evaluations["gx_readings"] is False and evaluations["gx_accounts"] is True


def test_the_load_leaves_fresh_planner_statistics(corpus: Path, conn: psycopg.Connection) -> None:
    """Every raw table the corpus fills is analyzed by the load: pg_class.reltuples, -1 for a table never
    analyzed, equals its row count (ANALYZE samples up to 30,000 rows, so a table this small is counted
    whole). The billing run after a load is planned with these statistics, not autovacuum's later ones."""
    ingest_landing(conn, corpus)
    filled = conn.execute(
        """select c.relname, c.reltuples from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
           where n.nspname = 'raw' and c.relkind = 'r'"""
    ).fetchall()
    counted = {name: conn.execute(f"select count(*) from raw.{name}").fetchone()[0] for name, _ in filled}
    loaded = {name: tuples for name, tuples in filled if counted[name] and name not in ("load_ledger", "rejects")}
    assert {"accounts", "payments", "readings"} <= set(loaded)
    assert loaded == {name: float(counted[name]) for name in loaded}
