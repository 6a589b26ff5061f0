with

service_points as (
    select * from {{ ref('stg_cis__service_points') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

final as (
    {{ current_rows('service_points', 'files', ['service_point_id']) }}
)

select * from final
