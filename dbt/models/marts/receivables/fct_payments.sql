with

payments as (
    select * from {{ ref('int_payments_matched') }}
    where period = {{ period() }}
),

receivables as (
    select * from {{ ref('int_receivables_allocated') }}
    where period = {{ period() }}
),

returns as (
    select * from {{ ref('int_direct_debit_returns') }}
    where period = {{ period() }}
),

allocated as (
    select
        payment_id,
        sum(amount) filter (where row_type = 'allocation') as allocated_amount,
        sum(amount) filter (where row_type = 'credit') as credit_amount
    from receivables
    where row_type in ('allocation', 'credit')
    group by payment_id
),

final as (
    select
        payments.payment_id,
        payments.period,
        payments.paid_on,
        payments.entry_kind,
        payments.amount,
        payments.currency,
        payments.channel,
        payments.reference,
        payments.payer_name,
        payments.remittance_text,
        payments.named_account_id,
        payments.account_id,
        payments.invoice_id,
        payments.match_method,
        payments.reversed_payment_id,
        coalesce(allocated.allocated_amount, 0) as allocated_amount,
        coalesce(allocated.credit_amount, 0) as credit_amount,
        case
            when payments.entry_kind = 'reversal' then 'reversal'
            when payments.account_id is null then 'unapplied'
            when coalesce(allocated.credit_amount, 0) = 0 then 'applied'
            when coalesce(allocated.allocated_amount, 0) = 0 then 'credit'
            else 'partly_credit'
        end as status,
        payments.source_file_id,
        payments.source_row_no,
        payments.return_reason_code,
        returns.return_reason
    from payments
    left join allocated
        on payments.payment_id = allocated.payment_id
    left join returns
        on payments.payment_id = returns.payment_id
    where {{ period_is_open() }}
)

select * from final
