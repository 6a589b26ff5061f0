{{ config(meta={'dagster': {'ref': {'name': 'fct_gl_journal'}}}) }}

-- Every journal entry balances, and so does every period (per currency).
select
    'entry' as scope,
    entry_id as id,
    currency,
    sum(debit) as debit,
    sum(credit) as credit
from {{ ref('fct_gl_journal') }}
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
group by period, currency
having sum(debit) <> sum(credit)
