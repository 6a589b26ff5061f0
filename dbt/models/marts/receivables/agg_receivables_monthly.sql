{#- Receivables, collections, aging buckets and dunning stages per month, customer class and district. -#}
with

subledger as (
    select * from {{ ref('rpt_ar_subledger') }}
    where period = {{ period() }}
),

open_items as (
    select * from {{ ref('fct_ar_open_items') }}
    where period = {{ period() }}
),

dunning as (
    select * from {{ ref('fct_dunning_stages') }}
    where period = {{ period() }}
),

payments as (
    select * from {{ ref('fct_payments') }}
    where period = {{ period() }} and account_id is not null and entry_kind = 'credit'
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

-- Reversals carry no account (fct_payments names the account of credits only), so this is the
-- matched cash received.
collected as (
    select
        account_id,
        currency,
        sum(amount) as collected_amount
    from payments
    group by account_id, currency
),

-- The subledger has one row per account and currency; cash may arrive for an account without one.
by_account as (
    select
        coalesce(subledger.account_id, collected.account_id) as account_id,
        coalesce(subledger.currency, collected.currency) as currency,
        coalesce(subledger.opening_amount, 0) as opening_amount,
        coalesce(subledger.billed_amount, 0) as billed_amount,
        coalesce(subledger.late_charge_amount, 0) as late_charge_amount,
        coalesce(subledger.paid_amount, 0) as paid_amount,
        coalesce(subledger.written_off_amount, 0) as written_off_amount,
        coalesce(subledger.closing_amount, 0) as closing_amount,
        coalesce(collected.collected_amount, 0) as collected_amount
    from subledger
    full outer join collected
        on subledger.account_id = collected.account_id and subledger.currency = collected.currency
),

buckets as (
    select
        account_id,
        currency,
        {%- for bucket in aging_bucket_names() %}
            {%- set column = 'bucket_' ~ bucket | replace('-', '_') | replace('+', '_plus') ~ '_amount' %}
            sum(open_amount) filter (where aging_bucket = '{{ bucket }}') as {{ column }},
        {%- endfor %}
        sum(open_amount) filter (where days_past_due > 90) as over_90_days_amount
    from open_items
    group by account_id, currency
),

keyed as (
    select
        by_account.account_id,
        by_account.currency,
        coalesce(accounts.customer_class, 'unknown') as customer_class,
        coalesce(accounts.district, 'unknown') as district,
        by_account.opening_amount,
        by_account.billed_amount,
        by_account.late_charge_amount,
        by_account.paid_amount,
        by_account.written_off_amount,
        by_account.closing_amount,
        by_account.collected_amount
    from by_account
    left join accounts
        on by_account.account_id = accounts.account_id
),

final as (
    select
        {{ period() }} as period,
        keyed.customer_class,
        keyed.district,
        keyed.currency,
        sum(keyed.opening_amount) as opening_ar_amount,
        sum(keyed.billed_amount) as billed_amount,
        sum(keyed.late_charge_amount) as late_charge_amount,
        sum(keyed.collected_amount) as collected_amount,
        sum(keyed.paid_amount) as applied_amount,
        sum(keyed.written_off_amount) as written_off_amount,
        sum(keyed.closing_amount) as closing_ar_amount,
        {%- for bucket in aging_bucket_names() %}
            {%- set column = 'bucket_' ~ bucket | replace('-', '_') | replace('+', '_plus') ~ '_amount' %}
            coalesce(sum(buckets.{{ column }}), 0) as {{ column }},
        {%- endfor %}
        coalesce(sum(buckets.over_90_days_amount), 0) as over_90_days_amount,
        count(distinct keyed.account_id) filter (where keyed.closing_amount > 0) as accounts_with_balance,
        {%- for stage, _ in policy('dunning_days') | dictsort(by='value') %}
            count(distinct dunning.account_id) filter (where dunning.dunning_stage = '{{ stage }}')
                as {{ stage }}_accounts,
        {%- endfor %}
        count(distinct dunning.account_id) filter (where dunning.overdue_amount > 0) as accounts_in_arrears
    from keyed
    left join buckets
        on keyed.account_id = buckets.account_id and keyed.currency = buckets.currency
    left join dunning
        on keyed.account_id = dunning.account_id and keyed.currency = dunning.currency
    where {{ period_is_open() }}
    group by keyed.customer_class, keyed.district, keyed.currency
)

select * from final
