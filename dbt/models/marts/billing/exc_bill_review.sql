{#- Invoices held before issue: high bills and totals at or below zero (billing-rules.md section 5). -#}
with

invoices as (
    select * from {{ ref('fct_invoices') }}
    where period = {{ period() }} and review_reason is not null
),

final as (
    select
        invoice_id,
        period,
        account_id,
        total_amount,
        currency,
        review_reason,
        status,
        case review_reason
            when 'high_bill'
                then format(
                    'this period''s charges are over %s x the average of the last 6 invoices',
                    {{ policy('high_bill_factor') }}
                )
            else 'the invoice total is zero or negative'
        end as reason
    from invoices
    where {{ period_is_open() }}
)

select * from final
