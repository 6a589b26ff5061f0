{#-
    The period's returned and rejected direct debits (D84): each reversal that carries a bank reason
    code (camt RvslInd with RtrInf/Rsn/Cd, or a pain.002 RJCT with StsRsnInf/Rsn/Cd), with the account
    and invoice of the collection it reverses and the reason's readable text (seed return_reasons;
    a code the seed does not know reads as the code itself).
-#}
with

return_reasons as (
    select * from {{ ref('return_reasons') }}
),

returns as (
    select * from {{ ref('int_payments_matched') }}
    where period = {{ period() }} and entry_kind = 'reversal' and return_reason_code is not null
),

-- Each import is read once, so the planner sees the tables themselves (a CTE read twice is
-- materialised without statistics: it nested-looped every credit against every return).
collections as (
    select * from {{ ref('int_payments_matched') }}
    where period <= {{ period() }} and entry_kind = 'credit'
),

final as (
    select distinct on (returns.payment_id)
        {{ period() }} as period,
        returns.payment_id,
        returns.reversed_payment_id,
        collections.account_id,
        collections.invoice_id,
        returns.paid_on as returned_on,
        returns.amount,
        returns.currency,
        returns.return_reason_code,
        coalesce(return_reasons.reason_text, returns.return_reason_code) as return_reason
    from returns
    left join collections
        on returns.reversed_payment_id = collections.payment_id
    left join return_reasons
        on returns.return_reason_code = return_reasons.reason_code
    where {{ period_is_open() }}
    order by returns.payment_id asc, collections.period desc
)

select * from final
