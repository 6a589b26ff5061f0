{#- Each account with an open balance at the period end and its dunning stage (oldest overdue item). -#}
with

open_items as (
    select * from {{ ref('fct_ar_open_items') }}
    where period = {{ period() }}
),

write_off_decisions as (
    select * from {{ ref('stg_review__write_off_decisions') }}
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
        decisions.reviewer as write_off_decided_by
    from accounts
    left join decisions
        on accounts.account_id = decisions.account_id
    where {{ period_is_open() }}
)

select * from final
