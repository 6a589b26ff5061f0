with

receivables as (
    select * from {{ ref('int_receivables_allocated') }}
    where period = {{ period() }} and row_type in ('allocation', 'reversal') and invoice_id is not null
),

final as (
    select
        period || '|' || row_type || '|' || coalesce(source_id, '') || '|' || payment_id || '|' || invoice_id
        || '|' || component as allocation_id,
        period,
        event_date as allocated_on,
        payment_id,
        account_id,
        invoice_id,
        component,
        currency,
        amount,
        case
            when row_type = 'reversal' then 'reversal'
            when applied_to = 'recoveries' then 'recovery'
            when funded_from = 'bank' then 'payment'
            else 'credit'
        end as allocation_kind,
        case when row_type = 'reversal' then source_id end as reversal_payment_id,
        funded_from,
        applied_to
    from receivables
    where {{ period_is_open() }}
)

select * from final
