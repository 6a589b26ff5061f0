{#-
    Each interval (AMI) meter's reads of the period, ordered by instant (D59, D61): its first and
    last read, and how far the register advanced between consecutive reads inside the period
    (register_advance: a rollover wraps, any other step down is NEGATIVE and adds nothing). The step
    from the meter's baseline to its first read is int_meter_periods' (it knows the baseline).
    Reads flagged DUPLICATE are left out. The first step down and the first rollover are kept with
    their values and instants, for the flags' reasons.
-#}
with

interval_reads as (
    select * from {{ ref('int_interval_reads_validated') }}
    where period = {{ period() }} and not is_duplicate
),

active_meters as (
    select * from {{ ref('int_meters_active') }}
    where period = {{ period() }}
),

steps as (
    select
        interval_reads.meter_id,
        interval_reads.read_instant,
        interval_reads.read_at,
        interval_reads.interval_on,
        interval_reads.reading,
        lag(interval_reads.reading) over by_instant as previous_reading,
        lag(interval_reads.read_instant) over by_instant as previous_instant,
        round(power(10::numeric, active_meters.register_digits)) as register_modulus
    from interval_reads
    inner join active_meters
        on interval_reads.meter_id = active_meters.meter_id
    window by_instant as (partition by interval_reads.meter_id order by interval_reads.read_instant)
),

advanced as (
    select
        *,
        {{ register_advance('previous_reading', 'reading', 'register_modulus') }} as advanced_units
    from steps
),

classified as (
    select
        *,
        reading < previous_reading and advanced_units is not null as is_rollover_step,
        reading < previous_reading and advanced_units is null as is_negative_step
    from advanced
),

final as (
    select
        {{ period() }} as period,
        meter_id,
        count(*) as interval_reads,
        min(read_instant) as first_read_instant,
        (array_agg(read_at order by read_instant))[1] as first_read_at,
        (array_agg(reading order by read_instant))[1] as first_reading,
        max(read_instant) as last_read_instant,
        (array_agg(read_at order by read_instant desc))[1] as last_read_at,
        (array_agg(reading order by read_instant desc))[1] as last_reading,
        max(interval_on) as last_interval_on,
        coalesce(sum(advanced_units), 0) as advance_units,
        coalesce(bool_or(is_rollover_step), false) as is_rollover,
        coalesce(bool_or(is_negative_step), false) as is_negative,
        (array_agg(previous_reading order by read_instant) filter (where is_negative_step))[1] as negative_from_reading,
        (array_agg(previous_instant order by read_instant) filter (where is_negative_step))[1] as negative_from_instant,
        (array_agg(reading order by read_instant) filter (where is_negative_step))[1] as negative_to_reading,
        (array_agg(read_instant order by read_instant) filter (where is_negative_step))[1] as negative_to_instant,
        (array_agg(previous_reading order by read_instant) filter (where is_rollover_step))[1] as rollover_from_reading,
        (array_agg(reading order by read_instant) filter (where is_rollover_step))[1] as rollover_to_reading,
        (array_agg(read_instant order by read_instant) filter (where is_rollover_step))[1] as rollover_to_instant
    from classified
    where {{ period_is_open() }}
    group by meter_id
)

select * from final
