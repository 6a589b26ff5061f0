{#-
    The accounts receivable subledger: per account, the period's opening balance, what moved it and
    the closing balance (= the account's open items at the period end, = its share of account 1100).
-#}
with

movements as (
    select * from {{ ref('fct_ar_movements') }}
    where period = {{ period() }}
),

credits as (
    select * from {{ ref('int_receivables_allocated') }}
    where period = {{ period() }} and row_type = 'credit' and account_id is not null
),

previous_rows as (
    {{ previous_periods_of_this() }}
),

opening as (
    select
        account_id,
        currency,
        closing_amount as amount
    from previous_rows
    where closing_amount <> 0
),

moved as (
    select
        account_id,
        currency,
        sum(ar_amount) filter (where movement_type = 'billed') as billed_amount,
        sum(ar_amount) filter (where movement_type = 'late_charge') as late_charge_amount,
        -sum(ar_amount) filter (where movement_type = 'paid') as paid_amount,
        sum(ar_amount) filter (where movement_type = 'reopened') as reopened_amount,
        -sum(ar_amount) filter (where movement_type = 'write_off') as written_off_amount,
        sum(amount) filter (where movement_type = 'recovered') as recovered_amount
    from movements
    group by account_id, currency
),

credit_balances as (
    select
        account_id,
        currency,
        sum(amount) as amount
    from credits
    group by account_id, currency
),

keys as (
    select
        account_id,
        currency
    from opening
    union
    select
        account_id,
        currency
    from moved
    union
    select
        account_id,
        currency
    from credit_balances
),

final as (
    select
        {{ period() }} as period,
        keys.account_id,
        keys.currency,
        coalesce(opening.amount, 0) as opening_amount,
        coalesce(moved.billed_amount, 0) as billed_amount,
        coalesce(moved.late_charge_amount, 0) as late_charge_amount,
        coalesce(moved.paid_amount, 0) as paid_amount,
        coalesce(moved.reopened_amount, 0) as reopened_amount,
        coalesce(moved.written_off_amount, 0) as written_off_amount,
        coalesce(opening.amount, 0) + coalesce(moved.billed_amount, 0) + coalesce(moved.late_charge_amount, 0)
        - coalesce(moved.paid_amount, 0) + coalesce(moved.reopened_amount, 0)
        - coalesce(moved.written_off_amount, 0) as closing_amount,
        coalesce(moved.recovered_amount, 0) as recovered_amount,
        coalesce(credit_balances.amount, 0) as credit_balance_amount
    from keys
    left join opening
        on keys.account_id = opening.account_id and keys.currency = opening.currency
    left join moved
        on keys.account_id = moved.account_id and keys.currency = moved.currency
    left join credit_balances
        on keys.account_id = credit_balances.account_id and keys.currency = credit_balances.currency
    where {{ period_is_open() }}
)

select * from final
