with

accounts as (
    select * from {{ ref('int_accounts_deduplicated') }}
),

final as (
    select
        account_id,
        customer_name,
        customer_class,
        district,
        payment_method,
        parent_account_id,
        billing_account_id,
        email,
        iban,
        opened_on,
        closed_on,
        mandate_id,
        mandate_signed_on,
        source_file_id,
        source_row_no
    from accounts
)

select * from final
