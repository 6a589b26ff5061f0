{{ config(meta={"dagster": {"ref": {"name": "currencies"}}}) }}
-- The vocabulary seeds (dbt/seeds/_seeds.yml) in one test, as one query, so that each `m2c build`
-- pays for one test rather than fourteen (D71): every key present and unique, every minor unit,
-- flag level and account type one of its allowed values. A row per fault, naming it.
with

currencies as (
    select * from {{ ref('currencies') }}
),

aging_buckets as (
    select * from {{ ref('aging_buckets') }}
),

vee_flags as (
    select * from {{ ref('vee_flags') }}
),

gl_accounts as (
    select * from {{ ref('gl_accounts') }}
),

keys as (
    select
        'currencies' as seed,
        currency_code as key_value
    from currencies
    union all
    select
        'aging_buckets' as seed,
        aging_bucket as key_value
    from aging_buckets
    union all
    select
        'aging_buckets.sort_order' as seed,
        sort_order::text as key_value
    from aging_buckets
    union all
    select
        'vee_flags' as seed,
        flag as key_value
    from vee_flags
    union all
    select
        'gl_accounts' as seed,
        account_key as key_value
    from gl_accounts
),

key_faults as (
    select
        seed,
        coalesce(key_value, '(empty)') as key_value,
        case when key_value is null then 'key missing' else 'key repeats' end as fault
    from keys
    group by seed, key_value
    having key_value is null or count(*) > 1
),

value_faults as (
    select
        'currencies' as seed,
        currency_code as key_value,
        'minor_unit is not 0 to 4 (ISO 4217)' as fault
    from currencies
    where minor_unit is null or minor_unit not between 0 and 4
    union all
    select
        'vee_flags' as seed,
        flag as key_value,
        'level is not read or period' as fault
    from vee_flags
    where level is null or level not in ('read', 'period')
    union all
    select
        'gl_accounts' as seed,
        account_key as key_value,
        'account_type is not asset, liability, equity, revenue or expense' as fault
    from gl_accounts
    where account_type is null or account_type not in ('asset', 'liability', 'equity', 'revenue', 'expense')
),

final as (
    select * from key_faults
    union all
    select * from value_faults
)

select * from final
