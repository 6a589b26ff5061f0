{{ config(meta={'dagster': {'ref': {'name': 'fct_gl_journal'}}}) }}

-- Every journal entry of the period balances, and so does the period (per currency).
select
    'entry' as scope,
    entry_id as id,
    currency,
    sum(debit) as debit,
    sum(credit) as credit
from {{ ref('fct_gl_journal') }}
where period = {{ period() }}
group by entry_id, currency
having sum(debit) <> sum(credit)
union all
select
    'period' as scope,
    period as id,
    currency,
    sum(debit) as debit,
    sum(credit) as credit
from {{ ref('fct_gl_journal') }}
where period = {{ period() }}
group by period, currency
having sum(debit) <> sum(credit)
