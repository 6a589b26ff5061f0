with

source as (
    select * from {{ source('cis', 'service_points') }}
),

renamed as (
    select
        service_point_id,
        service,
        address,
        district,
        building_id,
        master_service_point_id,
        floor_area_m2,
        residents,
        _file_id as source_file_id,
        _row_no as source_row_no,
        _loaded_at as loaded_at
    from source
)

select * from renamed
