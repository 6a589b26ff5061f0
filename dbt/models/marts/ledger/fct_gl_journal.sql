{#-
    The general ledger journal of the period (billing-rules.md section 8): one balanced entry per
    financial event. Each line is built as a signed amount (debit positive) and split into debit and
    credit; an entry's signed amounts sum to zero by construction. An invoice's late charge lines are
    posted as their own entry (Dr 1100, Cr 4900, source: the invoice that bills them, D69), its other
    lines as the invoice entry.
-#}
with

invoices as (
    select
        *,
        total_amount - late_charge_amount as charged_amount
    from {{ ref('fct_invoices') }}
    where period = {{ period() }} and status = 'issued' and total_amount - late_charge_amount <> 0
),

chart as (
    {{ gl_accounts() }}
),

-- A tariff charge (section 9) posts to the policy's gl_accounts.charges.<charge_code> if it names one
-- (funds and taxes collected for others: a liability), else to the service's revenue like a rider.
period_invoice_lines as (
    select * from {{ ref('fct_invoice_lines') }}
    where period = {{ period() }} and line_type <> 'late_charge'
),

invoice_lines as (
    select
        charged_lines.*,
        case charged_lines.line_type
            when 'vat' then 'vat_payable'
            when 'levy' then 'levy_payable'
            else coalesce(charge_accounts.account_key, 'revenue.' || charged_lines.service)
        end as account_key
    from period_invoice_lines as charged_lines
    left join chart as charge_accounts
        on 'charges.' || charged_lines.charge_code = charge_accounts.account_key
),

payments as (
    select * from {{ ref('int_payments_matched') }}
    where period = {{ period() }}
),

receivables as (
    select * from {{ ref('int_receivables_allocated') }}
    where period = {{ period() }}
),

invoice_postings as (
    select
        'invoice' as source_type,
        invoices.invoice_id as source_id,
        {{ period_end() }} as entry_date,
        invoices.account_id,
        invoices.currency,
        case when invoices.charged_amount > 0 then 'accounts_receivable' else 'customer_credits' end as account_key,
        invoices.charged_amount as signed_amount,
        'Invoice ' || invoices.invoice_id as description
    from invoices
    union all
    select
        'invoice' as source_type,
        invoices.invoice_id as source_id,
        {{ period_end() }} as entry_date,
        invoices.account_id,
        invoices.currency,
        invoice_lines.account_key,
        -sum(invoice_lines.amount) as signed_amount,
        'Invoice ' || invoices.invoice_id as description
    from invoices
    inner join invoice_lines
        on invoices.invoice_id = invoice_lines.invoice_id
    group by invoices.invoice_id, invoices.account_id, invoices.currency, invoice_lines.account_key
),

receipt_allocations as (
    select
        payment_id,
        applied_to,
        sum(amount) as amount
    from receivables
    where row_type = 'allocation' and funded_from = 'bank'
    group by payment_id, applied_to
),

receipt_postings as (
    select
        'payment' as source_type,
        payment_id as source_id,
        paid_on as entry_date,
        account_id,
        currency,
        'bank' as account_key,
        amount as signed_amount,
        'Payment ' || payment_id as description
    from payments
    where entry_kind = 'credit'
    union all
    select
        'payment' as source_type,
        payments.payment_id as source_id,
        payments.paid_on as entry_date,
        payments.account_id,
        payments.currency,
        receipt_allocations.applied_to as account_key,
        -receipt_allocations.amount as signed_amount,
        'Payment ' || payments.payment_id as description
    from payments
    inner join receipt_allocations
        on payments.payment_id = receipt_allocations.payment_id
    union all
    select
        'payment' as source_type,
        payments.payment_id as source_id,
        payments.paid_on as entry_date,
        payments.account_id,
        payments.currency,
        'customer_credits' as account_key,
        -(payments.amount - coalesce(sum(receipt_allocations.amount), 0)) as signed_amount,
        case when payments.account_id is null then 'Unapplied cash ' else 'Customer credit ' end
        || payments.payment_id as description
    from payments
    left join receipt_allocations
        on payments.payment_id = receipt_allocations.payment_id
    where payments.entry_kind = 'credit'
    group by payments.payment_id, payments.paid_on, payments.account_id, payments.currency, payments.amount
),

credit_use_postings as (
    select
        'credit_used' as source_type,
        receivables.payment_id as source_id,
        {{ period_end() }} as entry_date,
        receivables.account_id,
        receivables.currency,
        gl.account_key,
        case when gl.account_key = 'customer_credits' then 1 else -1 end * sum(receivables.amount) as signed_amount,
        'Credit used ' || receivables.payment_id as description
    from receivables
    cross join lateral (values ('customer_credits'), (receivables.applied_to)) as gl (account_key)
    where receivables.row_type = 'allocation' and receivables.funded_from = 'customer_credits'
    group by receivables.payment_id, receivables.account_id, receivables.currency, gl.account_key
),

reversal_postings as (
    select
        'reversal' as source_type,
        payment_id as source_id,
        paid_on as entry_date,
        null::text as account_id,
        currency,
        'bank' as account_key,
        -amount as signed_amount,
        'Reversal ' || payment_id || ' of ' || coalesce(reversed_payment_id, reversal_of, 'an unknown payment')
            as description
    from payments
    where entry_kind = 'reversal'
    union all
    select
        'reversal' as source_type,
        source_id,
        event_date as entry_date,
        max(account_id) as account_id,
        currency,
        applied_to as account_key,
        -sum(amount) as signed_amount,
        'Reversal ' || source_id as description
    from receivables
    where row_type = 'reversal'
    group by source_id, event_date, currency, applied_to
),

charge_postings as (
    select
        'late_charge' as source_type,
        receivables.invoice_id as source_id,
        {{ period_end() }} as entry_date,
        receivables.account_id,
        receivables.currency,
        gl.account_key,
        case when gl.account_key = 'accounts_receivable' then 1 else -1 end * receivables.amount as signed_amount,
        'Late payment charges billed on ' || receivables.invoice_id as description
    from receivables
    cross join lateral (values ('accounts_receivable'), ('late_charge_income')) as gl (account_key)
    where receivables.row_type = 'late_charge'
    union all
    select
        'write_off' as source_type,
        receivables.source_id,
        {{ period_end() }} as entry_date,
        receivables.account_id,
        receivables.currency,
        gl.account_key,
        case when gl.account_key = 'bad_debt_expense' then 1 else -1 end * sum(receivables.amount) as signed_amount,
        'Write-off of ' || receivables.account_id || ' (decision ' || receivables.source_id || ')' as description
    from receivables
    cross join lateral (values ('bad_debt_expense'), ('accounts_receivable')) as gl (account_key)
    where receivables.row_type = 'write_off'
    group by receivables.source_id, receivables.account_id, receivables.currency, gl.account_key
),

postings as (
    select * from invoice_postings
    union all
    select * from receipt_postings
    union all
    select * from credit_use_postings
    union all
    select * from reversal_postings
    union all
    select * from charge_postings
),

lines as (
    select
        source_type,
        source_id,
        entry_date,
        account_id,
        currency,
        account_key,
        sum(signed_amount) as signed_amount,
        min(description) as description
    from postings
    group by source_type, source_id, entry_date, account_id, currency, account_key
    having sum(signed_amount) <> 0
),

final as (
    select
        {{ period() }} || '|' || lines.source_type || '|' || lines.source_id as entry_id,
        row_number() over (
            partition by lines.source_type, lines.source_id
            order by lines.signed_amount < 0, chart.account_code
        )::integer as line_no,
        lines.entry_date,
        {{ period() }} as period,
        chart.account_code,
        chart.account_name,
        greatest(lines.signed_amount, 0) as debit,
        greatest(-lines.signed_amount, 0) as credit,
        lines.currency,
        lines.source_type,
        lines.source_id,
        lines.account_id,
        lines.description
    from lines
    left join chart
        on lines.account_key = chart.account_key
    where {{ period_is_open() }}
)

select * from final
