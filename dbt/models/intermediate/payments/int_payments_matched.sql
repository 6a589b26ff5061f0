{#-
    The period's landed payments (credits and reversals), each matched to the account it pays
    (billing-rules.md section 6, D74-D76): by what its texts name (int_payment_names: an RF creditor
    reference, invoice numbers, account ids, wherever written), else by the payer's IBAN when it is
    the known IBAN of exactly one billing account (match_method debtor_iban, the last resort). A
    payment naming several invoices is booked to the account of the oldest (the receivables run
    splits it, D77); one naming several accounts only by account id, or an RF reference with a wrong
    check digit, stays unapplied with its reason (review_note).
    A reversal is linked to the one payment it returns: by payment id, else by end-to-end id (and,
    among several with that id, the one of its amount); none or several: unlinked, with the reason. A
    reversal keeps the bank's return reason code (D84); a direct debit credit names its invoice by
    its end-to-end id, the invoice's payment reference the collection file sent (D83).
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

names as (
    select * from {{ ref('int_payment_names') }}
    where period = {{ period() }}
),

references_found as (
    select * from {{ ref('int_payment_references') }}
    where period = {{ period() }}
),

current_payments as (
    {{ current_rows('payments', 'files', ['payment_id']) }}
),

name_counts as (
    select
        payment_id,
        count(distinct account_id) as account_count,
        count(distinct invoice_id) as invoice_count,
        string_agg(distinct account_id, ', ') as account_ids
    from names
    group by payment_id
),

first_names as (
    select * from names
    where name_order = 1
),

-- Named but resolving to no account (an invoice number of no invoice, an unknown account): for review.
first_mentions as (
    select distinct on (payment_id)
        payment_id,
        named_account_id
    from references_found
    where named_account_id is not null
    order by payment_id, source_order, token_position
),

invalid_rf as (
    select
        payment_id,
        string_agg(distinct token, ', ') as tokens
    from references_found
    where name_kind = 'rf_invalid'
    group by payment_id
),

-- The currency each billing account was invoiced in over the last year: a payment in another currency
-- pays nothing until a reviewer decides (D79).
account_currencies as (
    select
        account_id,
        min(currency) as currency
    from {{ ref('int_invoices') }}
    where period between {{ previous_period(12) }} and {{ period() }}
    group by account_id
),

iban_accounts as (
    select
        upper(replace(iban, ' ', '')) as iban,
        min(account_id) as account_id,
        min(billing_account_id) as billing_account_id,
        count(distinct billing_account_id) as billing_accounts
    from accounts
    where coalesce(iban, '') <> ''
    group by upper(replace(iban, ' ', ''))
),

matched as (
    select
        current_payments.*,
        {{ payment_reference_key('current_payments.reference') }} as reference_key,
        coalesce(first_names.named_account_id, first_mentions.named_account_id, iban_accounts.account_id)
            as named_account_id,
        case
            when name_counts.account_count > 1 and first_names.name_kind = 'account_id' then null
            when first_names.payment_id is not null then first_names.account_id
            when iban_accounts.billing_accounts = 1 then iban_accounts.billing_account_id
        end as account_id,
        first_names.invoice_id,
        coalesce(name_counts.invoice_count, 0) as invoice_count,
        case
            when name_counts.account_count > 1 and first_names.name_kind = 'account_id' then null
            when first_names.payment_id is not null then first_names.name_kind
            when iban_accounts.billing_accounts = 1 then 'debtor_iban'
        end as match_method,
        case
            when first_names.payment_id is not null then first_names.source
            when iban_accounts.billing_accounts = 1 then 'debtor_iban'
        end as match_source,
        case
            when name_counts.account_count > 1 and first_names.name_kind = 'account_id'
                then 'names several accounts: ' || name_counts.account_ids
            when first_names.payment_id is null and invalid_rf.tokens is not null
                then 'RF creditor reference with a wrong check digit: ' || invalid_rf.tokens
            when first_names.payment_id is null and iban_accounts.billing_accounts > 1
                then 'the payer''s IBAN is the known IBAN of ' || iban_accounts.billing_accounts || ' accounts'
        end as match_note
    from current_payments
    left join first_names
        on current_payments.payment_id = first_names.payment_id
    left join name_counts
        on current_payments.payment_id = name_counts.payment_id
    left join first_mentions
        on current_payments.payment_id = first_mentions.payment_id
    left join invalid_rf
        on current_payments.payment_id = invalid_rf.payment_id
    left join iban_accounts
        on current_payments.debtor_iban = iban_accounts.iban
),

currency_checks as (
    select
        matched.payment_id,
        account_currencies.currency as account_currency,
        coalesce(account_currencies.currency <> matched.currency, false) as is_foreign_currency,
        matched.entry_kind = 'credit' and coalesce(account_currencies.currency = matched.currency, true)
            as pays_its_account
    from matched
    left join account_currencies
        on matched.account_id = account_currencies.account_id
),

-- By payment id (rank 1), else by end-to-end id (rank 2): two equi-joins, as a join on either of two
-- columns compares every reversal with every earlier payment (21 s at 100,000 accounts).
reversal_candidates as (
    select
        matched.payment_id,
        earlier.payment_id as reversed_payment_id,
        earlier.amount = matched.amount as same_amount,
        1 as link_rank
    from matched
    inner join earlier_payments as earlier
        on matched.reversal_of = earlier.payment_id
    where matched.entry_kind = 'reversal'
    union all
    select
        matched.payment_id,
        earlier.payment_id as reversed_payment_id,
        earlier.amount = matched.amount as same_amount,
        2 as link_rank
    from matched
    inner join earlier_payments as earlier
        on matched.reversal_of = earlier.end_to_end_id
    where matched.entry_kind = 'reversal' and matched.reversal_of <> earlier.payment_id
),

best_links as (
    select * from reversal_candidates as candidates
    where
        link_rank = (
            select min(best.link_rank) from reversal_candidates as best
            where best.payment_id = candidates.payment_id
        )
),

reversed as (
    select
        payment_id,
        count(distinct reversed_payment_id) as candidates,
        case
            when count(distinct reversed_payment_id) = 1 then min(reversed_payment_id)
            when count(distinct reversed_payment_id) filter (where same_amount) = 1
                then min(reversed_payment_id) filter (where same_amount)
        end as reversed_payment_id
    from best_links
    group by payment_id
),

-- A payment is undone once: a later reversal tied to a payment an earlier one undid (a bounce reported
-- by camt and by pain.002) undoes nothing and goes to review.
earlier_links as (
    {% if is_incremental() -%}
        select distinct on (reversed_payment_id)
            reversed_payment_id,
            payment_id as reversal_id
        from {{ this }}
        where period < {{ period() }} and reversed_payment_id is not null
        order by reversed_payment_id asc, paid_on asc, payment_id asc
    {%- else -%}
        select
            null::text as reversed_payment_id,
            null::text as reversal_id
        where false
    {%- endif %}
),

undone_once as (
    select
        reversed.payment_id,
        reversed.candidates,
        reversed.reversed_payment_id as linked_payment_id,
        case
            when reversed.reversed_payment_id is not null
                then coalesce(
                    earlier_links.reversal_id,
                    first_value(reversed.payment_id) over (
                        partition by reversed.reversed_payment_id
                        order by reversals.paid_on asc, reversed.payment_id asc
                    )
                )
        end as first_reversal_id
    from reversed
    inner join matched as reversals
        on reversed.payment_id = reversals.payment_id
    left join earlier_links
        on reversed.reversed_payment_id = earlier_links.reversed_payment_id
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
        case when currency_checks.pays_its_account then matched.account_id end as account_id,
        case when currency_checks.pays_its_account then matched.invoice_id end as invoice_id,
        case when matched.entry_kind = 'credit' then matched.invoice_count else 0 end as invoice_count,
        case when currency_checks.pays_its_account then matched.match_method end as match_method,
        case when matched.entry_kind = 'credit' then matched.match_source end as match_source,
        matched.debtor_iban,
        matched.reversal_of,
        case
            when undone_once.first_reversal_id = matched.payment_id then undone_once.linked_payment_id
        end as reversed_payment_id,
        case when matched.entry_kind = 'reversal' then matched.return_reason_code end as return_reason_code,
        case
            when matched.entry_kind = 'credit' and currency_checks.is_foreign_currency
                then
                    'paid in ' || matched.currency || ' while ' || matched.account_id || ' is invoiced in '
                    || currency_checks.account_currency || ': not applied until a reviewer decides'
            when matched.entry_kind = 'credit' then matched.match_note
            when undone_once.first_reversal_id = matched.payment_id then null
            when undone_once.linked_payment_id is not null
                then
                    'payment ' || undone_once.linked_payment_id || ' is already reversed by '
                    || undone_once.first_reversal_id || ': this reversal undoes nothing until a reviewer decides'
            when undone_once.candidates > 1
                then
                    'reversal matches ' || undone_once.candidates || ' payments (' || coalesce(matched.reversal_of, '')
                    || '): none is undone until a reviewer decides'
            else 'reversal of a payment that cannot be found: ' || coalesce(matched.reversal_of, 'no reference')
        end as match_note,
        matched.source_file_id,
        matched.source_row_no
    from matched
    left join undone_once
        on matched.payment_id = undone_once.payment_id
    left join currency_checks
        on matched.payment_id = currency_checks.payment_id
    where {{ period_is_open() }}
)

select * from final
