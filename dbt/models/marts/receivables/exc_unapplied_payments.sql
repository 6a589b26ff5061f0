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

matches as (
    select distinct on (payment_id) * from {{ ref('int_payments_matched') }}
    where payment_id in (select credits.payment_id from credits) and period <= {{ period() }}
    order by payment_id asc, period desc
),

-- A reviewer's split that does not add up to the payment is not applied (D78).
splits as (
    select
        payment_id,
        max(split_total) as split_total
    from {{ ref('int_payment_assignments_latest') }}
    where payment_id in (select credits.payment_id from credits)
    group by payment_id
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
            when splits.split_total is not null
                then
                    'the reviewer''s split adds up to ' || splits.split_total || ', not the '
                    || credits.amount || ' unapplied: not applied'
            when matches.match_note is not null then matches.match_note
            when payments.entry_kind = 'reversal' then 'reversal of a payment that cannot be found or undone'
            when
                coalesce(payments.reference, '') = '' and coalesce(payments.remittance_text, '') = ''
                and coalesce(payments.additional_info, '') = ''
                then 'no reference'
            else 'reference matches no account or invoice'
        end as review_reason
    from credits
    left join payments
        on credits.payment_id = payments.payment_id
    left join matches
        on credits.payment_id = matches.payment_id
    left join splits
        on credits.payment_id = splits.payment_id
    where {{ period_is_open() }}
)

select * from final
