with

source as (
    select * from {{ source('tariffs', 'tariff_blocks') }}
),

renamed as (
    select
        tariff_code,
        effective_from,
        season,
        block_no,
        from_units,
        to_units,
        unit_price,
        basic_charge,
        bound_per_extra_person,
        _file_id as source_file_id,
        _row_no as source_row_no,
        _loaded_at as loaded_at
    from source
)

select * from renamed
