with

source as (
    select * from {{ source('review', 'bill_decisions') }}
),

renamed as (
    select
        decision_id,
        invoice_id,
        action as decision,
        reviewer,
        decided_at,
        reason as decision_reason
    from source
)

select * from renamed
