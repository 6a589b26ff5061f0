with

source as (
    select * from {{ source('bank', 'payments') }}
),

renamed as (
    select
        payment_id,
        paid_at as paid_on,
        amount,
        currency,
        channel,
        reference,
        reversal_of,
        end_to_end_id,
        payer_name,
        remittance_text,
        upper(return_reason_code) as return_reason_code,
        additional_info,
        upper(replace(debtor_iban, ' ', '')) as debtor_iban,
        coalesce(entry_kind, case when reversal_of is not null then 'reversal' else 'credit' end) as entry_kind,
        _file_id as source_file_id,
        _row_no as source_row_no,
        _loaded_at as loaded_at
    from source
)

select * from renamed
