{#-
    Each account with an open balance at the period end and its dunning stage (oldest overdue item),
    with its latest returned or rejected direct debit and the bank's reason (D84): this period's
    return, else the one the account's previous row carried.
-#}
with

open_items as (
    select * from {{ ref('fct_ar_open_items') }}
    where period = {{ period() }}
),

write_off_decisions as (
    select * from {{ ref('stg_review__write_off_decisions') }}
),

returns as (
    select * from {{ ref('int_direct_debit_returns') }}
    where period = {{ period() }}
),

previous_stages as (
    {{ previous_periods_of_this() }}
),

billing_accounts as (
    select * from {{ ref('dim_accounts') }}
),

decisions as (
    select distinct on (billing_accounts.billing_account_id)
        billing_accounts.billing_account_id as account_id,
        write_off_decisions.decision,
        write_off_decisions.reviewer
    from write_off_decisions
    inner join billing_accounts
        on write_off_decisions.account_id = billing_accounts.account_id
    order by
        billing_accounts.billing_account_id asc,
        write_off_decisions.decided_at desc,
        write_off_decisions.decision_id desc
),

accounts as (
    select
        account_id,
        currency,
        sum(open_amount) as open_amount,
        sum(open_amount) filter (where days_past_due > 0) as overdue_amount,
        min(due_date) filter (where days_past_due > 0) as oldest_overdue_due_date,
        max(days_past_due) as days_past_due
    from open_items
    group by account_id, currency
),

latest_returns as (
    select distinct on (account_id)
        account_id,
        returned_on,
        return_reason_code,
        return_reason
    from (
        select
            account_id,
            returned_on,
            return_reason_code,
            return_reason,
            payment_id as tie_breaker
        from returns
        where account_id is not null
        union all
        select
            account_id,
            last_returned_on,
            last_return_reason_code,
            last_return_reason,
            '' as tie_breaker
        from previous_stages
        where last_return_reason_code is not null
    ) as known_returns
    order by account_id asc, returned_on desc, tie_breaker desc
),

final as (
    select
        {{ period() }} as period,
        {{ period_end() }} as as_of_date,
        accounts.account_id,
        accounts.currency,
        accounts.open_amount,
        coalesce(accounts.overdue_amount, 0) as overdue_amount,
        accounts.oldest_overdue_due_date,
        accounts.days_past_due,
        {{ dunning_stage('accounts.days_past_due') }} as dunning_stage,
        decisions.decision as write_off_decision,
        decisions.reviewer as write_off_decided_by,
        latest_returns.returned_on as last_returned_on,
        latest_returns.return_reason_code as last_return_reason_code,
        latest_returns.return_reason as last_return_reason
    from accounts
    left join decisions
        on accounts.account_id = decisions.account_id
    left join latest_returns
        on accounts.account_id = latest_returns.account_id
    where {{ period_is_open() }}
)

select * from final
