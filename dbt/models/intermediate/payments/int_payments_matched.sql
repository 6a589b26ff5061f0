{#-
    The period's landed payments (credits and reversals), each matched to the account its reference
    names (billing-rules.md section 6): an invoice number resolves to its invoice's account, else the
    reference is an account id. References are compared without case, spaces or punctuation, and
    after dropping a leading word such as "Account", "Acc", "Customer no." or "Invoice no.".
    A reversal is linked to the payment it returns (by payment id or end-to-end id) and keeps the
    bank's return reason code (D84). A direct debit credit is matched by its end-to-end id, which is
    the invoice's payment reference the collection file sent (D83).
-#}
with

payments as (
    select * from {{ ref('stg_bank__payments') }}
    where paid_on between {{ period_start() }} and {{ period_end() }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

earlier_payments as (
    select * from {{ ref('stg_bank__payments') }}
    where entry_kind = 'credit' and paid_on <= {{ period_end() }}
),

accounts as (
    select * from {{ ref('int_accounts_deduplicated') }}
),

invoices as (
    select * from {{ ref('int_invoices') }}
),

current_payments as (
    {{ current_rows('payments', 'files', ['payment_id']) }}
),

keyed as (
    select
        *,
        regexp_replace(
            -- an invoice's own ISO 11649 reference (fct_invoices.payment_reference, D80) names its invoice
            regexp_replace(
                regexp_replace(
                    -- a direct debit collection comes back under our own end-to-end id, its RF reference (D83)
                    upper(coalesce(
                        case when channel = 'direct_debit' and end_to_end_id ~ '^RF\d\dINV' then end_to_end_id end,
                        reference,
                        ''
                    )),
                    '[^A-Z0-9]', '', 'g'
                ),
                '^RF\d\d(INV\d{6})', '\1'
            ),
            '^(INVOICENUMBER|INVOICENO|INVOICENR|INVOICE|ACCOUNTNUMBER|ACCOUNTNO|ACCOUNTNR|ACCOUNT|ACCTNO|ACCT'
            || '|ACCNO|ACC|CUSTOMERNUMBER|CUSTOMERNO|CUSTOMERNR|CUSTOMER|CUSTNO|CUST|REFERENCE|REF|NO|NR)',
            ''
        ) as reference_key
    from current_payments
),

candidates as (
    select
        *,
        substring(reference_key from '^INV(\d{6})[A-Z0-9]') as invoice_month_key,
        coalesce(substring(reference_key from '^INV\d{6}([A-Z0-9]+)$'), reference_key) as account_key
    from keyed
),

keyed_accounts as (
    select
        account_id,
        billing_account_id,
        regexp_replace(upper(account_id), '[^A-Z0-9]', '', 'g') as account_key
    from accounts
),

matched as (
    select
        candidates.*,
        keyed_accounts.account_id as named_account_id,
        case
            when candidates.invoice_month_key is null then keyed_accounts.billing_account_id
            when invoices.invoice_id is not null then invoices.account_id
        end as account_id,
        invoices.invoice_id,
        case
            when candidates.invoice_month_key is null and keyed_accounts.account_id is not null then 'account_id'
            when invoices.invoice_id is not null then 'invoice_number'
        end as match_method
    from candidates
    left join keyed_accounts
        on candidates.account_key = keyed_accounts.account_key
    left join invoices
        on
            candidates.invoice_month_key is not null
            and invoices.period
            = substr(candidates.invoice_month_key, 1, 4) || '-' || substr(candidates.invoice_month_key, 5, 2)
            and invoices.invoice_id = 'INV-' || candidates.invoice_month_key || '-' || keyed_accounts.billing_account_id
),

reversed as (
    select
        matched.payment_id,
        coalesce(by_id.payment_id, by_end_to_end.payment_id) as reversed_payment_id
    from matched
    left join earlier_payments as by_id
        on matched.reversal_of = by_id.payment_id
    left join earlier_payments as by_end_to_end
        on matched.reversal_of = by_end_to_end.end_to_end_id
    where matched.entry_kind = 'reversal'
),

final as (
    select
        {{ period() }} as period,
        matched.payment_id,
        matched.entry_kind,
        matched.paid_on,
        matched.amount,
        matched.currency,
        matched.channel,
        matched.reference,
        matched.reference_key,
        matched.payer_name,
        matched.remittance_text,
        case when matched.entry_kind = 'credit' then matched.named_account_id end as named_account_id,
        case when matched.entry_kind = 'credit' then matched.account_id end as account_id,
        case when matched.entry_kind = 'credit' then matched.invoice_id end as invoice_id,
        case when matched.entry_kind = 'credit' then matched.match_method end as match_method,
        matched.reversal_of,
        reversed.reversed_payment_id,
        case when matched.entry_kind = 'reversal' then matched.return_reason_code end as return_reason_code,
        matched.source_file_id,
        matched.source_row_no
    from matched
    left join reversed
        on matched.payment_id = reversed.payment_id
    where {{ period_is_open() }}
)

select * from final
