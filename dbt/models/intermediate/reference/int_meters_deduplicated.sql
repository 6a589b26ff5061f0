with

meters as (
    select * from {{ ref('stg_cis__meters') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

final as (
    {{ current_rows('meters', 'files', ['meter_id', 'installed_on']) }}
)

select * from final
