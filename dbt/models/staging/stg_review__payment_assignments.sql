with

source as (
    select * from {{ source('review', 'payment_assignments') }}
),

renamed as (
    select
        assignment_id,
        payment_id,
        account_id,
        reviewer,
        decided_at,
        amount as assigned_amount,
        reason as assignment_reason
    from source
)

select * from renamed
