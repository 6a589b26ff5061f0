with

source as (
    select * from {{ source('tariffs', 'tariff_charges') }}
),

renamed as (
    select
        tariff_code,
        effective_from,
        charge_code,
        description,
        basis,
        rate,
        units_factor,
        vat = 'true' as is_vat_base,
        rounding as rounding_mode,
        rounding_unit,
        _file_id as source_file_id,
        _row_no as source_row_no,
        _loaded_at as loaded_at
    from source
)

select * from renamed
