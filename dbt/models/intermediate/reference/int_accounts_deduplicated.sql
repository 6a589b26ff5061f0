with

accounts as (
    select * from {{ ref('stg_cis__accounts') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

final as (
    {{ current_rows('accounts', 'files', ['account_id']) }}
)

select * from final
