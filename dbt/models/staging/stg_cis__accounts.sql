with

source as (
    select * from {{ source('cis', 'accounts') }}
),

renamed as (
    select
        account_id,
        customer_name,
        customer_class,
        district,
        payment_method,
        parent_account_id,
        email,
        iban,
        opened_on,
        closed_on,
        mandate_id,
        mandate_signed_on,
        _file_id as source_file_id,
        _row_no as source_row_no,
        _loaded_at as loaded_at
    from source
)

select * from renamed
