{#-
    The trial balance at the period end: per GL account, opening balance, the period's debits and credits,
    closing. In the first period of a fiscal year (policy fiscal_year_start) income and expense accounts
    open at zero, their balances closed into retained earnings (macro fiscal_year_close, D118).
-#}
with

journal as (
    select * from {{ ref('fct_gl_journal') }}
    where period = {{ period() }}
),

chart as (
    {{ gl_accounts() }}
),

previous_rows as (
    {{ previous_periods_of_this() }}
),

previous_closing as (
    select
        account_code,
        currency,
        closing_balance as amount
    from previous_rows
),

opening as (
    {{ fiscal_year_close('previous_closing', 'chart') }}
),

moved as (
    select
        account_code,
        currency,
        sum(debit) as debit,
        sum(credit) as credit
    from journal
    group by account_code, currency
),

keys as (
    select
        account_code,
        currency
    from opening
    union
    select
        account_code,
        currency
    from moved
),

final as (
    select
        {{ period() }} as period,
        keys.account_code,
        chart.account_name,
        keys.currency,
        coalesce(opening.amount, 0) as opening_balance,
        coalesce(moved.debit, 0) as debit,
        coalesce(moved.credit, 0) as credit,
        coalesce(opening.amount, 0) + coalesce(moved.debit, 0) - coalesce(moved.credit, 0) as closing_balance
    from keys
    left join chart
        on keys.account_code = chart.account_code
    left join opening
        on keys.account_code = opening.account_code and keys.currency = opening.currency
    left join moved
        on keys.account_code = moved.account_code and keys.currency = moved.currency
    where {{ period_is_open() }}
)

select * from final
