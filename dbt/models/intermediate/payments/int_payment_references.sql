{#-
    What each of the period's credits names, wherever the payer wrote it (billing-rules.md section 6,
    D74-D75): per text (a direct debit's end-to-end id, D83; the structured or whole reference, then
    the remittance text, then the bank's AddtlTxInf/AddtlNtryInf), the whole text as one key
    (payment_reference_key), and inside it every
    ISO 11649 RF creditor reference (compact or printed in groups of four), every invoice number
    (INV-YYYYMM-<account>) and every word that is a known account id. An RF reference's body is the
    invoice number's (or account id's) letters and digits, as fct_invoices.payment_reference issues
    it; one with a wrong check digit names nothing and is kept as such (name_kind rf_invalid).
    Each token resolved to its invoice and account where one exists.
    Grain: one row per period, payment, text (source) and token.
-#}
with

payments as (
    select * from {{ ref('stg_bank__payments') }}
    where paid_on between {{ period_start() }} and {{ period_end() }} and entry_kind = 'credit'
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
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

texts as (
    select
        current_payments.payment_id,
        sources.source,
        sources.source_order,
        upper(sources.source_text) as source_text
    from current_payments
    cross join
        lateral (
            values
            ('reference', 1, current_payments.reference),
            ('remittance_text', 2, current_payments.remittance_text),
            ('additional_info', 3, current_payments.additional_info),
            -- A direct debit collection comes back under our end-to-end id: the invoice's RF reference (D83).
            (
                'end_to_end_id', 0,
                case when current_payments.channel = 'direct_debit' then current_payments.end_to_end_id end
            )
        ) as sources (source, source_order, source_text)
    where coalesce(trim(sources.source_text), '') <> ''
),

whole_keys as (
    select
        payment_id,
        source,
        source_order,
        0 as token_position,
        'whole' as found_as,
        {{ payment_reference_key('source_text') }} as token
    from texts
),

rf_matches as (
    select
        texts.payment_id,
        texts.source,
        texts.source_order,
        found.token_position,
        found.match[1] as printed
    from texts
    cross join lateral regexp_matches(
        texts.source_text, '\mRF[0-9]{2}(?:[A-Z0-9]{1,21}|(?: [A-Z0-9]{1,4}\M)+)', 'g'
    ) with ordinality as found (match, token_position)
),

-- Printed in groups, short words after the reference ("... 2A2 VOM 8 3") look like more groups: every
-- reading from the first group on is tried, and the longest valid one is kept (below).
rf_groups as (
    select
        *,
        string_to_array(printed, ' ') as parts
    from rf_matches
),

rf_tokens as (
    select distinct
        rf_groups.payment_id,
        rf_groups.source,
        rf_groups.source_order,
        rf_groups.token_position,
        'rf' as found_as,
        array_to_string(rf_groups.parts[1:readings.group_count], '') as token
    from rf_groups
    cross join lateral generate_series(1, cardinality(rf_groups.parts)) as readings (group_count)
    where length(array_to_string(rf_groups.parts[1:readings.group_count], '')) between 5 and 25
),

invoice_tokens as (
    select
        texts.payment_id,
        texts.source,
        texts.source_order,
        found.token_position,
        'invoice' as found_as,
        regexp_replace(found.match[1], '[^A-Z0-9]', '', 'g') as token
    from texts
    cross join lateral regexp_matches(
        texts.source_text, '\m(INV[ /-]?[0-9]{6}[ /-]?[A-Z0-9]+)', 'g'
    ) with ordinality as found (match, token_position)
),

-- Words with a digit and at least four characters: "Kd-Nr. A000103" names A000103, "for March" nothing.
word_tokens as (
    select
        texts.payment_id,
        texts.source,
        texts.source_order,
        found.token_position,
        'word' as found_as,
        replace(found.word, '-', '') as token
    from texts
    cross join
        lateral regexp_split_to_table(texts.source_text, '[^A-Z0-9-]+')
        with ordinality as found (word, token_position)
    where found.word ~ '[0-9]' and length(replace(found.word, '-', '')) >= 4
),

tokens as (
    select * from whole_keys
    union all
    select * from rf_tokens
    union all
    select * from invoice_tokens
    union all
    select * from word_tokens
),

checked as (
    select
        *,
        found_as = 'rf' and {{ iso11649_is_valid('token') }} as is_valid_rf,
        case when found_as = 'rf' then substr(token, 5) else token end as body
    from tokens
),

-- Materialised: the regular expressions and the RF check below are computed once per token, not once
-- per reference to them in the joins (at 100,000 accounts: 32 s -> 18 s for this model).
parsed as materialized (
    select
        *,
        substring(body from '^INV([0-9]{6})[A-Z0-9]') as invoice_month_key,
        coalesce(substring(body from '^INV[0-9]{6}([A-Z0-9]+)$'), body) as account_key
    from checked
),

-- An invoice number too long for an RF reference was issued with a hashed creditor reference (D80):
-- a valid RF reference is also looked up among those.
hashed_invoices as (
    select
        invoice_id,
        period,
        account_id,
        {{ invoice_creditor_reference('invoice_id') }} as creditor_reference
    from invoices
    where length(regexp_replace(upper(invoice_id), '[^A-Z0-9]', '', 'g')) > 21
),

resolved as (
    select
        parsed.payment_id,
        parsed.source,
        parsed.source_order,
        parsed.token_position,
        parsed.found_as,
        parsed.token,
        case
            when parsed.found_as = 'rf' and not parsed.is_valid_rf then 'rf_invalid'
            when parsed.found_as = 'rf' then 'rf_reference'
            when parsed.invoice_month_key is not null then 'invoice_number'
            else 'account_id'
        end as name_kind,
        accounts.account_id as named_account_id,
        case
            when parsed.found_as = 'rf' and not parsed.is_valid_rf then null
            when parsed.invoice_month_key is null then accounts.billing_account_id
            else coalesce(invoices.account_id, hashed_invoices.account_id)
        end as account_id,
        case
            when parsed.found_as <> 'rf' or parsed.is_valid_rf
                then coalesce(invoices.invoice_id, hashed_invoices.invoice_id)
        end as invoice_id,
        coalesce(invoices.period, hashed_invoices.period) as invoice_period
    from parsed
    left join accounts
        on parsed.account_key = accounts.account_key
    left join invoices
        on
            parsed.invoice_month_key is not null
            and invoices.period
            = substr(parsed.invoice_month_key, 1, 4) || '-' || substr(parsed.invoice_month_key, 5, 2)
            and invoices.invoice_id = 'INV-' || parsed.invoice_month_key || '-' || accounts.billing_account_id
    left join hashed_invoices
        on
            parsed.found_as = 'rf'
            and parsed.is_valid_rf
            and hashed_invoices.period
            = substr(parsed.invoice_month_key, 1, 4) || '-' || substr(parsed.invoice_month_key, 5, 2)
            and parsed.body = hashed_invoices.creditor_reference
    where parsed.found_as in ('whole', 'rf', 'invoice') or accounts.account_id is not null
),

-- Of the readings of one printed RF reference, the longest valid one; none valid: its readings are kept
-- as rf_invalid. (By a grouped join: a per-row lookup in the readings was quadratic at 100,000 accounts.)
longest_valid_rf as (
    select
        payment_id,
        source,
        token_position,
        max(length(token)) as token_length
    from resolved
    where name_kind = 'rf_reference'
    group by payment_id, source, token_position
),

kept as (
    select resolved.*
    from resolved
    left join longest_valid_rf
        on
            resolved.payment_id = longest_valid_rf.payment_id
            and resolved.source = longest_valid_rf.source
            and resolved.token_position = longest_valid_rf.token_position
    where
        resolved.name_kind not in ('rf_invalid', 'rf_reference')
        or longest_valid_rf.payment_id is null
        or (resolved.name_kind = 'rf_reference' and length(resolved.token) >= longest_valid_rf.token_length)
),

final as (
    select distinct on (payment_id, source, token, name_kind)
        {{ period() }} as period,
        payment_id,
        source,
        source_order,
        token_position,
        found_as,
        token,
        name_kind,
        named_account_id,
        account_id,
        invoice_id,
        invoice_period
    from kept
    where {{ period_is_open() }}
    order by payment_id, source, token, name_kind, token_position, found_as
)

select * from final
