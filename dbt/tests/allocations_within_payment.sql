{{ config(meta={'dagster': {'ref': {'name': 'fct_payment_allocations'}}}) }}

-- What a payment has paid (net of reversals) over all periods is never negative and never more than
-- the payment: checked for the payments that paid something in the period.
select
    allocations.payment_id,
    payments.amount,
    sum(allocations.amount) as allocated_amount
from {{ ref('fct_payment_allocations') }} as allocations
left join {{ ref('fct_payments') }} as payments
    on allocations.payment_id = payments.payment_id and payments.entry_kind = 'credit'
where
    allocations.payment_id not like 'INV-%'
    and allocations.payment_id in (
        select paid_now.payment_id from {{ ref('fct_payment_allocations') }} as paid_now
        where paid_now.period = {{ period() }}
    )
group by allocations.payment_id, payments.amount
having sum(allocations.amount) < 0 or sum(allocations.amount) > coalesce(payments.amount, 0)
