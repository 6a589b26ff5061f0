with

invoices as (
    select * from {{ ref('int_invoices') }}
    where period = {{ period() }}
),

final as (
    select
        invoice_id,
        account_id,
        period,
        bill_date,
        due_date,
        currency,
        total_amount,
        subtotal_amount,
        vat_amount,
        levy_amount,
        carried_forward_amount,
        line_count,
        has_estimated_lines,
        status,
        review_reason
    from invoices
    where {{ period_is_open() }}
)

select * from final
