with

source as (
    select * from {{ source('tariffs', 'tariff_versions') }}
),

renamed as (
    select
        tariff_code,
        service,
        effective_from,
        fixed_charge,
        minimum_charge,
        vat_rate,
        levy_rate,
        currency,
        rounding as rounding_mode,
        total_rounding_unit,
        block_basis,
        persons_included,
        norm_basis,
        norm_units,
        _file_id as source_file_id,
        _row_no as source_row_no,
        _loaded_at as loaded_at
    from source
)

select * from renamed
