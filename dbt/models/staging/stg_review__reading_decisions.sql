with

source as (
    select * from {{ source('review', 'reading_decisions') }}
),

renamed as (
    select
        decision_id,
        meter_id,
        read_at,
        action as decision,
        new_reading,
        reviewer,
        decided_at,
        reason as decision_reason
    from source
)

select * from renamed
