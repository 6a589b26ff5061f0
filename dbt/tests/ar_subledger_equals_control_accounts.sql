{{ config(meta={'dagster': {'ref': {'name': 'rpt_trial_balance'}}}) }}

-- At the period's end the AR subledger (Σ open items = Σ subledger closing balances) equals the
-- accounts receivable control account, and the credit held per payment equals customer credits.
with

open_items as (
    select
        period,
        currency,
        sum(open_amount) as amount
    from {{ ref('fct_ar_open_items') }}
    where period = {{ period() }}
    group by period, currency
),

subledger as (
    select
        period,
        currency,
        sum(closing_amount) as amount
    from {{ ref('rpt_ar_subledger') }}
    where period = {{ period() }}
    group by period, currency
),

credits as (
    select
        period,
        currency,
        sum(amount) as amount
    from {{ ref('int_receivables_allocated') }}
    where period = {{ period() }} and row_type = 'credit'
    group by period, currency
),

control as (
    select
        period,
        currency,
        sum(closing_balance) filter (where account_code = '{{ policy("gl_accounts.accounts_receivable") }}')
            as receivables_amount,
        -sum(closing_balance) filter (where account_code = '{{ policy("gl_accounts.customer_credits") }}')
            as credits_amount
    from {{ ref('rpt_trial_balance') }}
    where period = {{ period() }}
    group by period, currency
)

select
    control.period,
    control.currency,
    control.receivables_amount,
    subledger.amount as subledger_amount,
    open_items.amount as open_items_amount,
    control.credits_amount,
    credits.amount as credit_rows_amount
from control
left join subledger on control.period = subledger.period and control.currency = subledger.currency
left join open_items on control.period = open_items.period and control.currency = open_items.currency
left join credits on control.period = credits.period and control.currency = credits.currency
where
    coalesce(control.receivables_amount, 0) <> coalesce(subledger.amount, 0)
    or coalesce(control.receivables_amount, 0) <> coalesce(open_items.amount, 0)
    or coalesce(control.credits_amount, 0) <> coalesce(credits.amount, 0)
