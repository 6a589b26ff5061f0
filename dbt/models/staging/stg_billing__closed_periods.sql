with

source as (
    select * from {{ source('billing', 'closed_periods') }}
),

renamed as (
    select
        period,
        closed_at,
        closed_by,
        checksum,
        invoices,
        invoice_lines,
        total_amount
    from source
)

select * from renamed
