"""Short text summaries for the CLI: what was ingested and how many rows each layer holds."""

from __future__ import annotations

import psycopg

LAYERS = ("raw", "staging", "intermediate", "marts")


def ingest_summary(conn: psycopg.Connection) -> str:
    rows = conn.execute(
        """select coalesce(target, folder), count(*) filter (where status = 'loaded'),
                  count(*) filter (where status = 'quarantined'),
                  coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0)
           from raw.load_ledger group by 1 order by 1"""
    ).fetchall()
    lines = [
        "\ningested (all loads so far):",
        f"  {'table':<20}{'files':>7}{'quarantined':>13}{'rows':>12}{'rejected':>10}",
    ]
    lines += [f"  {t:<20}{f:>7}{q:>13}{r:>12,}{x:>10,}" for t, f, q, r, x in rows]
    reasons = conn.execute(
        """select target, reason, count(*) from raw.rejects
           group by 1, 2 order by 3 desc, 1, 2 limit 5"""
    ).fetchall()
    if reasons:
        lines.append("  most common reject reasons:")
        lines += [f"    {n:>5} x {t}: {reason}" for t, reason, n in reasons]
    quarantined = conn.execute(
        "select folder, file_name, reason from raw.load_ledger where status = 'quarantined' order by file_id"
    ).fetchall()
    lines += [f"  quarantined {folder}/{name}: {reason}" for folder, name, reason in quarantined]
    spreadsheet_shaped = conn.execute(
        """select distinct folder, file_name, dialect from raw.load_ledger
           where dialect is not null and dialect <> 'comma-separated' order by 1, 2"""
    ).fetchall()
    lines += [f"  read as {dialect}: {folder}/{name}" for folder, name, dialect in spreadsheet_shaped]
    return "\n".join(lines)


def layer_summary(conn: psycopg.Connection) -> str:
    relations = conn.execute(
        """select table_schema, table_name, table_type from information_schema.tables
           where table_schema = any(%s) order by 1, 2""",
        (list(LAYERS),),
    ).fetchall()
    lines = ["\nrows per layer:"]
    for layer in LAYERS:
        members = [(name, kind) for schema, name, kind in relations if schema == layer]
        if not members:
            continue
        total = 0
        for name, _ in members:
            total += conn.execute(f'select count(*) from "{layer}"."{name}"').fetchone()[0]
        lines.append(f"  {layer:<13}{len(members):>3} relations {total:>14,} rows")
    return "\n".join(lines)


def billing_summary(conn: psycopg.Connection) -> str:
    rows = conn.execute(
        """select i.period, count(*) filter (where i.status = 'issued'), count(*) filter (where i.status = 'held'),
                  count(*) filter (where i.status = 'carried_forward'),
                  coalesce(sum(i.total_amount) filter (where i.status = 'issued'), 0),
                  min(i.currency), (c.period is not null)
           from marts.fct_invoices i left join billing.closed_periods c on c.period = i.period
           group by i.period, c.period order by i.period"""
    ).fetchall()
    lines = ["\nbilling:", f"  {'period':<9}{'issued':>8}{'held':>6}{'carried':>9}{'billed':>18}  closed"]
    lines += [
        f"  {p:<9}{issued:>8,}{held:>6,}{carried:>9,}{total:>14,.2f} {cur or '':<3}  {'yes' if closed else 'open'}"
        for p, issued, held, carried, total, cur, closed in rows
    ]
    flags = conn.execute("select flag, count(*) from marts.exc_reading_anomalies group by 1 order by 2 desc").fetchall()
    if flags:
        lines.append("  reading anomalies: " + ", ".join(f"{flag} {n:,}" for flag, n in flags))
    return "\n".join(lines) + collections_summary(conn)


def collections_summary(conn: psycopg.Connection) -> str:
    rows = conn.execute(
        """select c.period, c.collected_amount, c.late_charge_amount, c.written_off_amount, c.closing_ar_amount,
                  c.over_90_days_amount, c.unapplied_cash_amount, c.currency,
                  (select sum(debit) = sum(credit) from marts.fct_gl_journal j where j.period = c.period)
           from marts.agg_collections_monthly c order by c.period, c.currency"""
    ).fetchall()
    header = ["period", "collected", "late fees", "written off", "closing AR", "AR > 90 days", "unapplied", "ledger"]
    lines = [
        "\ncollections and arrears:",
        f"  {header[0]:<9}" + "".join(f"{h:>14}" for h in header[1:-1]) + f"  {header[-1]}",
    ]
    for period, *amounts, currency, balanced in rows:
        lines.append(
            f"  {period:<9}"
            + "".join(f"{a:>14,.2f}" for a in amounts)
            + f"  {currency} {'balanced' if balanced else 'UNBALANCED'}"
        )
    return "\n".join(lines)


def amr_summary(conn: psycopg.Connection) -> str:
    """The latest AMR poll run: meters read, failures and their reasons."""
    if not conn.execute("select to_regclass('raw.amr_polls') is not null").fetchone()[0]:
        return "AMR: no poll has run yet"
    started, total, read = conn.execute(
        """select run_started_at, count(*), count(*) filter (where status = 'ok')
           from raw.amr_polls where run_started_at = (select max(run_started_at) from raw.amr_polls)
           group by run_started_at"""
    ).fetchone()
    lines = [f"\nAMR poll {started:%Y-%m-%d %H:%M:%S} UTC: {read:,} of {total:,} meters read"]
    failures = conn.execute(
        """select meter_id, reason from raw.amr_polls
           where run_started_at = %s and status = 'failed' order by meter_id limit 10""",
        (started,),
    ).fetchall()
    lines += [f"  failed {meter}: {reason}" for meter, reason in failures]
    return "\n".join(lines)
