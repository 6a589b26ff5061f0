{#-
    How complete each local day of an interval (AMI) meter's data is (D61): the intervals its reads
    close that day (a read's day is interval_ending_day) against the intervals the day holds at the
    meter's resolution. A day lasts local_day_minutes: 15-minute data has 96 intervals, 92 on the day
    the clocks go forward and 100 on the day they go back. The resolution is the day's most common
    step between consecutive reads, by instant. DUPLICATE reads are left out.
-#}
with

interval_reads as (
    select * from {{ ref('int_interval_reads_validated') }}
    where period = {{ period() }} and not is_duplicate
),

steps as (
    select
        meter_id,
        interval_on,
        extract(
            epoch from read_instant - lag(read_instant) over (partition by meter_id order by read_instant)
        ) / 60 as step_minutes
    from interval_reads
),

days as (
    select
        meter_id,
        interval_on,
        count(*) as intervals,
        mode() within group (order by step_minutes) filter (where step_minutes is not null) as interval_minutes
    from steps
    group by meter_id, interval_on
),

final as (
    select
        {{ period() }} as period,
        meter_id,
        interval_on,
        intervals,
        interval_minutes::integer as interval_minutes,
        {{ local_day_minutes('interval_on') }} as day_minutes,
        ({{ local_day_minutes('interval_on') }} / interval_minutes)::integer as expected_intervals,
        intervals = ({{ local_day_minutes('interval_on') }} / interval_minutes)::integer as is_complete
    from days
    where {{ period_is_open() }}
)

select * from final
