with

lines as (
    select * from {{ ref('int_invoice_lines') }}
    where period = {{ period() }}
),

invoices as (
    select
        invoice_id,
        min(billing_account_id) as account_id,
        min(currency) as currency,
        min(invoice_total_amount) as total_amount,
        sum(amount) filter (where line_type not in ('levy', 'vat')) as subtotal_amount,
        sum(amount) filter (where line_type = 'vat') as vat_amount,
        sum(amount) filter (where line_type = 'levy') as levy_amount,
        sum(amount) filter (where carried_from_period is not null) as carried_forward_amount,
        count(*) as line_count,
        bool_or(is_estimated) as has_estimated_lines,
        min(invoice_status) as status,
        min(review_reason) as review_reason
    from lines
    group by invoice_id
),

final as (
    select
        invoice_id,
        account_id,
        {{ period() }} as period,
        {{ bill_date() }} as bill_date,
        {{ due_date() }} as due_date,
        currency,
        total_amount,
        coalesce(subtotal_amount, 0) as subtotal_amount,
        coalesce(vat_amount, 0) as vat_amount,
        coalesce(levy_amount, 0) as levy_amount,
        coalesce(carried_forward_amount, 0) as carried_forward_amount,
        line_count,
        has_estimated_lines,
        status,
        review_reason
    from invoices
    where {{ period_is_open() }}
)

select * from final
