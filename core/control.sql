create schema if not exists review;
create schema if not exists billing;

-- A reviewer's decision on one read (meter_id, read_at). The latest decision per read applies;
-- every decision is kept as history.
create table if not exists review.reading_decisions (
  decision_id bigserial primary key,
  meter_id text not null,
  read_at timestamp not null,
  action text not null check (action in ('accept', 'replace', 'estimate', 'exclude')),
  new_reading numeric check (new_reading >= 0),
  reviewer text not null,
  decided_at timestamptz not null default now(),
  reason text not null,
  check (action <> 'replace' or new_reading is not null)
);
create index if not exists reading_decisions_read on review.reading_decisions (meter_id, read_at);

-- A reviewer's decision on an invoice held for review: release (issue it) or hold.
create table if not exists review.bill_decisions (
  decision_id bigserial primary key,
  invoice_id text not null,
  action text not null check (action in ('release', 'hold')),
  reviewer text not null,
  decided_at timestamptz not null default now(),
  reason text not null
);

-- A reviewer's assignment of unapplied cash to an account. The latest assignment per payment
-- applies on the next billing run; every assignment is kept as history.
create table if not exists review.payment_assignments (
  assignment_id bigserial primary key,
  payment_id text not null,
  account_id text not null,
  reviewer text not null,
  decided_at timestamptz not null default now(),
  reason text not null
);
create index if not exists payment_assignments_payment on review.payment_assignments (payment_id);
-- A split (D78): the rows of one decision (one transaction: the same decided_at) each carry the
-- amount their account receives; together they add up to the payment. Null: the whole payment.
alter table review.payment_assignments add column if not exists amount numeric check (amount > 0);

-- A reviewer's decision on a write-off candidate: approve (write the overdue balance off to bad
-- debt on the next billing run) or reject. Each approval is applied once.
create table if not exists review.write_off_decisions (
  decision_id bigserial primary key,
  account_id text not null,
  action text not null check (action in ('approve', 'reject')),
  reviewer text not null,
  decided_at timestamptz not null default now(),
  reason text not null
);

-- Closed billing periods: the billing models never write a row of these again.
create table if not exists billing.closed_periods (
  period text primary key check (period ~ '^\d{4}-\d{2}$'),
  closed_at timestamptz not null default now(),
  closed_by text not null,
  checksum text not null,
  invoices bigint not null,
  invoice_lines bigint not null,
  total_amount numeric not null
);

-- SEPA direct debit collections sent (m2c collect, D86): one row per invoice collected, per period's
-- latest collection file. A mandate's first collection is FRST, later ones RCUR.
create table if not exists billing.direct_debit_collections (
  period text not null check (period ~ '^\d{4}-\d{2}$'),
  invoice_id text not null,
  account_id text not null,
  mandate_id text not null,
  end_to_end_id text not null,
  sequence_type text not null check (sequence_type in ('FRST', 'RCUR')),
  collection_date date not null,
  amount numeric not null,
  currency text not null,
  file_name text not null,
  written_at timestamptz not null default now(),
  primary key (period, invoice_id)
);
create index if not exists direct_debit_collections_mandate on billing.direct_debit_collections (account_id, mandate_id);

-- The checksum of a period's frozen billing rows: every invoice and line, allocation and journal line.
-- Each row's text is hashed (md5) and the 60-bit prefixes are summed: stable across PostgreSQL versions,
-- independent of row order (no sort) and of size (no period-sized string: PostgreSQL caps strings at 1 GB,
-- which a 1,000,000-account period's rows exceed). Tables are looked up at call time.
create or replace function billing.period_checksum(p text) returns text
language plpgsql stable as $fn$
declare
  tables text[] := array['marts.fct_invoices', 'marts.fct_invoice_lines', 'marts.fct_payment_allocations',
                         'marts.fct_gl_journal'];
  parts text[] := '{}';
  name text;
  result text;
begin
  foreach name in array tables loop
    if to_regclass(name) is not null then
      parts := parts || format('select %L || row(t.*)::text from %s t where period = $1', name, name);
    end if;
  end loop;
  execute 'select md5(count(*) || '':'' || coalesce(sum((''x'' || left(md5(body), 15))::bit(60)::bigint), 0)) '
    || 'from (' || array_to_string(parts, ' union all ') || ') as rows (body)'
    into result using p;
  return result;
end
$fn$;
