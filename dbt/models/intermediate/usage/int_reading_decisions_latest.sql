{#-
    The reviewers' reading decisions in force (billing-rules.md section 3): per read (meter and
    read_at), the latest decision (later decided_at first, then the higher decision id). Every
    model that applies a decision reads it from here. The usage run of each period reads it, so a
    decision applies from the next run on.
-#}
with

decisions as (
    select * from {{ ref('stg_review__reading_decisions') }}
),

final as (
    select distinct on (meter_id, read_at)
        meter_id,
        read_at,
        decision_id,
        decision,
        new_reading,
        reviewer,
        decided_at,
        decision_reason
    from decisions
    order by meter_id asc, read_at asc, decided_at desc, decision_id desc
)

select * from final
