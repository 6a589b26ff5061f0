with

source as (
    select * from {{ source('review', 'write_off_decisions') }}
),

renamed as (
    select
        decision_id,
        account_id,
        action as decision,
        reviewer,
        decided_at,
        reason as decision_reason
    from source
)

select * from renamed
