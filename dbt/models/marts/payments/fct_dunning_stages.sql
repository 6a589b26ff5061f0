{#- Each account with an open balance at the period end and its dunning stage (oldest overdue item). -#}
with

open_items as (
    select * from {{ ref('fct_ar_open_items') }}
    where period = {{ period() }}
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
        account_id,
        currency,
        open_amount,
        coalesce(overdue_amount, 0) as overdue_amount,
        oldest_overdue_due_date,
        days_past_due,
        {{ dunning_stage('days_past_due') }} as dunning_stage
    from accounts
    where {{ period_is_open() }}
)

select * from final
