with

contracts as (
    select * from {{ ref('stg_cis__contracts') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

final as (
    {{ current_rows('contracts', 'files', ['contract_id']) }}
)

select * from final
