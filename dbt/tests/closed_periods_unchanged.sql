-- The most recently closed period's rows still match the checksum stored when it was closed. Billing
-- models select nothing for a closed period; checking the latest one (the state the open period carries
-- forward) keeps a run's cost independent of the history's length. `m2c verify` checks every period.
with

closed_periods as (

    select * from {{ ref('stg_billing__closed_periods') }}

),

latest as (

    select * from closed_periods
    order by period desc
    limit 1

),

final as (

    select
        period,
        checksum as stored_checksum,
        billing.period_checksum(period) as current_checksum
    from latest

)

select * from final
where stored_checksum <> current_checksum
