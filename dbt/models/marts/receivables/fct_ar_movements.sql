{{ config(post_hook=["{{ create_ar_aging_function(this) }}"]) }}

{#-
    Every movement of a receivable item: billed, late charge, paid (a payment or credit), reopened
    by a reversal, written off, and recovered after write-off. `ar_amount` is its effect on accounts
    receivable (account 1100); recoveries and written-off items move it no more.
-#}
with

receivables as (
    select * from {{ ref('int_receivables_allocated') }}
    where
        period = {{ period() }}
        and row_type in ('invoice', 'late_charge', 'allocation', 'reversal', 'write_off')
        and invoice_id is not null
),

final as (
    select
        period,
        event_date as moved_on,
        account_id,
        invoice_id,
        component,
        due_date,
        currency,
        case
            when row_type = 'invoice' then 'billed'
            when row_type = 'allocation' and applied_to = 'recoveries' then 'recovered'
            when row_type = 'allocation' then 'paid'
            when row_type = 'reversal' then 'reopened'
            else row_type
        end as movement_type,
        payment_id,
        amount,
        case
            when row_type in ('invoice', 'late_charge') and applied_to = 'accounts_receivable' then amount
            when row_type = 'allocation' and applied_to = 'accounts_receivable' then -amount
            when row_type = 'reversal' and applied_to = 'accounts_receivable' then -amount
            when row_type = 'write_off' then -amount
            else 0
        end as ar_amount
    from receivables
    where {{ period_is_open() }}
)

select * from final
