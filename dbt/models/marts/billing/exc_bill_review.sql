{#- Invoices held before issue: high bills and totals at or below zero (billing-rules.md section 5). -#}
with

invoices as (
    select * from {{ ref('fct_invoices') }}
    where period = {{ period() }} and review_reason is not null
),

-- The figures the high-bill rule compared, so the reviewer sees why the bill was held.
review_figures as (
    select
        invoice_id,
        period_amount,
        average_amount,
        last_year_amount
    from {{ ref('int_invoices') }}
    where period = {{ period() }} and review_reason is not null
),

final as (
    select
        invoices.invoice_id,
        invoices.period,
        invoices.account_id,
        invoices.total_amount,
        review_figures.period_amount,
        round(review_figures.average_amount, 2) as average_amount,
        review_figures.last_year_amount,
        invoices.currency,
        invoices.review_reason,
        invoices.status,
        case invoices.review_reason
            when 'high_bill'
                then format(
                    'this period''s charges are over %s x the average of the last 6 invoices'
                    || case
                        when review_figures.last_year_amount is not null
                            then ' and the same month last year'
                        else ''
                    end,
                    {{ policy('high_bill_factor') }}
                )
            else 'the invoice total is zero or negative'
        end as reason
    from invoices
    left join review_figures
        on invoices.invoice_id = review_figures.invoice_id
    where {{ period_is_open() }}
)

select * from final
