with

accounts as (
    select * from {{ ref('stg_cis__accounts') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

current_accounts as (
    {{ current_rows('accounts', 'files', ['account_id']) }}
),

final as (
    select
        *,
        -- The account an invoice is addressed to: a child account bills to its consolidated parent.
        coalesce(parent_account_id, account_id) as billing_account_id
    from current_accounts
)

select * from final
