with

source as (
    select * from {{ source('cis', 'meters') }}
),

renamed as (
    select
        meter_id,
        service_point_id,
        installed_on,
        removed_on,
        multiplier,
        register_digits,
        unit,
        modbus_host,
        modbus_port,
        modbus_unit_id,
        register_map,
        _file_id as source_file_id,
        _row_no as source_row_no,
        _loaded_at as loaded_at
    from source
)

select * from renamed
