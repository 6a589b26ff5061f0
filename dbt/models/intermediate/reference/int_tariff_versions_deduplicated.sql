with

tariff_versions as (
    select * from {{ ref('stg_tariffs__tariff_versions') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

final as (
    {{ current_rows('tariff_versions', 'files', ['tariff_code', 'effective_from']) }}
)

select * from final
