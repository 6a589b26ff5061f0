with

source as (
    select * from {{ source('cis', 'contracts') }}
),

renamed as (
    select
        contract_id,
        account_id,
        service_point_id,
        tariff_code,
        start_date,
        end_date,
        _file_id as source_file_id,
        _row_no as source_row_no,
        _loaded_at as loaded_at
    from source
)

select * from renamed
