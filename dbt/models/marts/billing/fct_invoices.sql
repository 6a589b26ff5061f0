{#-
    The period's invoices: each with its decisions (int_invoices) and, on an issued invoice, the late
    payment charges the bill run adds as lines of it (int_late_charge_lines, D66): part of its total
    and its line count. Bill review and the small-bill threshold judged the invoice without them (D67).
    Each carries its ISO 11649 payment reference (RF…), derived from the invoice number (D80).
-#}
with

invoices as (
    select * from {{ ref('int_invoices') }}
    where period = {{ period() }}
),

late_charge_lines as (
    select * from {{ ref('int_late_charge_lines') }}
    where period = {{ period() }}
),

late_charges as (
    select
        invoice_id,
        sum(amount) as late_charge_amount,
        count(*) as line_count
    from late_charge_lines
    group by invoice_id
),

final as (
    select
        invoices.invoice_id,
        invoices.account_id,
        invoices.period,
        invoices.bill_date,
        invoices.due_date,
        invoices.currency,
        invoices.total_amount + coalesce(late_charges.late_charge_amount, 0) as total_amount,
        invoices.subtotal_amount,
        invoices.vat_amount,
        invoices.levy_amount,
        invoices.percent_charge_amount,
        invoices.rounding_amount,
        coalesce(late_charges.late_charge_amount, 0) as late_charge_amount,
        invoices.carried_forward_amount,
        invoices.line_count + coalesce(late_charges.line_count, 0) as line_count,
        invoices.has_estimated_lines,
        invoices.status,
        invoices.review_reason,
        {{ iso11649_reference(invoice_creditor_reference('invoices.invoice_id')) }} as payment_reference
    from invoices
    left join late_charges
        on invoices.invoice_id = late_charges.invoice_id
    where {{ period_is_open() }}
)

select * from final
