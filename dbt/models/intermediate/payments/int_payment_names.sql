{#-
    What a credit is matched by (billing-rules.md section 6, D75): of the names its texts hold
    (int_payment_references) that resolve to an account, those of its first text that has any
    (reference, then remittance text, then AddtlTxInf/AddtlNtryInf) and, within it, of the strongest
    kind: a valid RF creditor reference, else invoice numbers, else account ids. Numbered oldest
    invoice first, then in the order written (name_order 1 is the account the payment is booked to).
    Grain: one row per period, payment and named invoice or account.
-#}
with

references_found as (
    select * from {{ ref('int_payment_references') }}
    where period = {{ period() }} and account_id is not null
),

ranked as (
    select
        *,
        case name_kind when 'rf_reference' then 1 when 'invoice_number' then 2 else 3 end as kind_rank
    from references_found
),

winning as (
    select distinct on (payment_id)
        payment_id,
        source,
        name_kind
    from ranked
    order by payment_id, source_order, kind_rank
),

named as (
    select distinct on (ranked.payment_id, ranked.account_id, coalesce(ranked.invoice_id, ''))
        ranked.payment_id,
        ranked.source,
        ranked.name_kind,
        ranked.token,
        ranked.named_account_id,
        ranked.account_id,
        ranked.invoice_id,
        ranked.invoice_period,
        ranked.token_position
    from ranked
    inner join winning
        on
            ranked.payment_id = winning.payment_id
            and ranked.source = winning.source
            and ranked.name_kind = winning.name_kind
    order by ranked.payment_id, ranked.account_id, coalesce(ranked.invoice_id, ''), ranked.token_position
),

final as (
    select
        {{ period() }} as period,
        payment_id,
        row_number() over (
            partition by payment_id order by invoice_period nulls last, token_position, invoice_id, account_id
        ) as name_order,
        source,
        name_kind,
        token,
        named_account_id,
        account_id,
        invoice_id,
        invoice_period
    from named
    where {{ period_is_open() }}
)

select * from final
