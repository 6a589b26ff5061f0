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

-- The checksum of a period's frozen billing rows: every invoice and line (and, once those models
-- exist, allocations and journal lines) in a fixed order. Tables are looked up at call time.
create or replace function billing.period_checksum(p text) returns text
language plpgsql stable as $fn$
declare
  parts text[] := array[
    'select ''invoice|'' || invoice_id, row(t.*)::text from marts.fct_invoices t where period = $1',
    'select ''line|'' || invoice_id || ''|'' || lpad(line_no::text, 6, ''0''), row(t.*)::text '
      || 'from marts.fct_invoice_lines t where period = $1'
  ];
  optional text[] := array[
    'marts.fct_payment_allocations', 'allocation|', 'allocation_id',
    'marts.fct_gl_journal', 'journal|', 'entry_id || ''|'' || lpad(line_no::text, 4, ''0'')'
  ];
  i integer;
  result text;
begin
  for i in 0 .. (array_length(optional, 1) / 3) - 1 loop
    if to_regclass(optional[i * 3 + 1]) is not null then
      parts := parts || format(
        'select %L || %s, row(t.*)::text from %s t where period = $1',
        optional[i * 3 + 2], optional[i * 3 + 3], optional[i * 3 + 1]
      );
    end if;
  end loop;
  execute 'select md5(coalesce(string_agg(body, E''\n'' order by sort_key), '''')) from ('
    || array_to_string(parts, ' union all ') || ') as rows (sort_key, body)'
    into result using p;
  return result;
end
$fn$;
