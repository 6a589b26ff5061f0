{#-
    Accounts receivable aging as of the period end. For any other date, `marts.ar_aging_as_of(date)`
    (created with fct_ar_movements) gives the same report from the movements.
-#}
with

open_items as (
    select * from {{ ref('fct_ar_open_items') }}
    where period = {{ period() }}
),

final as (
    select
        period,
        as_of_date,
        account_id,
        aging_bucket,
        currency,
        sum(open_amount) as open_amount,
        count(*) as item_count,
        max(days_past_due) as max_days_past_due
    from open_items
    where {{ period_is_open() }}
    group by period, as_of_date, account_id, aging_bucket, currency
)

select * from final
