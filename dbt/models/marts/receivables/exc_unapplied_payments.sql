{#- Unapplied cash at the period end: payments no reference matched, waiting for a reviewer to assign them. -#}
with

credits as (
    select * from {{ ref('int_receivables_allocated') }}
    where period = {{ period() }} and row_type = 'credit' and account_id is null
),

payments as (
    select distinct on (payment_id) * from {{ ref('stg_bank__payments') }}
    where payment_id in (select credits.payment_id from credits)
    order by payment_id asc, loaded_at desc
),

final as (
    select
        {{ period() }} as period,
        credits.payment_id,
        credits.event_date as paid_on,
        credits.amount as unapplied_amount,
        credits.currency,
        payments.amount as payment_amount,
        payments.entry_kind,
        payments.channel,
        payments.reference,
        payments.payer_name,
        payments.remittance_text,
        case
            when payments.entry_kind = 'reversal' then 'reversal of a payment that cannot be found or undone'
            when payments.reference is null or payments.reference = '' then 'no reference'
            else 'reference matches no account or invoice'
        end as review_reason
    from credits
    left join payments
        on credits.payment_id = payments.payment_id
    where {{ period_is_open() }}
)

select * from final
