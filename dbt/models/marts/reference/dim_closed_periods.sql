{#- Closed billing periods, for the apps: a decision on a closed period's queue would never apply. -#}
{{ config(materialized='view') }}

with

closed_periods as (
    select * from {{ ref('stg_billing__closed_periods') }}
),

final as (
    select
        period,
        closed_at,
        closed_by
    from closed_periods
)

select * from final
