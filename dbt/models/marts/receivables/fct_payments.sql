{#-
    Every payment and reversal of the period with how it was matched and applied. The status follows
    the payment's own receivables rows (allocations, credit, unapplied cash), so a payment a reviewer
    assigned or split is applied like any other; account_id is then the account (of a split: the
    first) its money went to, and match_method 'reviewer'.
-#}
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

-- Credits a reversal of this period undid (a closed period's credit keeps its status: its row is frozen).
reversed_here as (
    select distinct reversed_payment_id as payment_id from payments
    where entry_kind = 'reversal' and reversed_payment_id is not null
),

assignments as (
    select distinct payment_id from {{ ref('int_payment_assignments_latest') }}
),

allocated as (
    select
        payment_id,
        sum(amount) filter (where row_type = 'allocation') as allocated_amount,
        sum(amount) filter (where row_type = 'credit') as credit_amount,
        sum(amount) filter (where row_type = 'credit' and account_id is null) as unapplied_amount,
        min(account_id) as first_account_id,
        count(distinct account_id) as account_count
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
        case
            when payments.entry_kind = 'reversal' then null
            when assignments.payment_id is not null and allocated.account_count > 0 then allocated.first_account_id
            else payments.account_id
        end as account_id,
        payments.invoice_id,
        case
            when
                assignments.payment_id is not null
                and allocated.account_count > 0
                and (allocated.account_count > 1 or allocated.first_account_id is distinct from payments.account_id)
                then 'reviewer'
            else payments.match_method
        end as match_method,
        payments.match_source,
        payments.invoice_count,
        payments.debtor_iban,
        payments.match_note,
        payments.reversed_payment_id,
        coalesce(allocated.allocated_amount, 0) as allocated_amount,
        coalesce(allocated.credit_amount, 0) as credit_amount,
        case
            when payments.entry_kind = 'reversal' then 'reversal'
            when reversed_here.payment_id is not null then 'reversed'
            when coalesce(allocated.unapplied_amount, 0) <> 0 then 'unapplied'
            when allocated.payment_id is null and payments.account_id is null then 'unapplied'
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
    left join assignments
        on payments.payment_id = assignments.payment_id
    left join reversed_here
        on payments.payment_id = reversed_here.payment_id
    where {{ period_is_open() }}
)

select * from final
