{#-
    The bad-read screen of VEE (billing-rules.md section 3; D62-D64): each billable read of the
    period against the meter's last good read before it and the next read after it. A read is
    SUSPECT, and left out of billing until a reviewer accepts or replaces it, when
    - it breaks the register's rising trend while its neighbours agree with each other (the next
      read is not below the last good one, and this read is above the next or below the last good),
      the next read being looked up after the period when the read is the period's last; or
    - it implies more units per hour since the last good read than the meter can register
      (max_hourly_units, see macros/max_hourly_units.sql), which needs no next read.
    The next read compares with the last good read, so one bad read never makes the next ones
    NEGATIVE. A read billed in an earlier period that this period's first read shows up as out of
    trend (its next read was not landed yet then) comes back as a carried row: int_meter_periods
    then measures from the good read before it, without a credit (D64).
    State: this model's own rows of the last 12 periods (each good read keeps the good read before it).
-#}
with

validated_reads as (
    select * from {{ ref('int_readings_validated') }}
    where period = {{ period() }}
),

-- Not materialized: next_reads looks a meter's next read up through the raw table's index; a
-- materialized CTE would be scanned whole for every meter (minutes at 100,000 accounts).
readings as not materialized (
    select * from {{ ref('stg_meter_reads__readings') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

latest_decisions as (
    select * from {{ ref('int_reading_decisions_latest') }}
),

active_meters as (
    select * from {{ ref('int_meters_active') }}
    where period = {{ period() }}
),

history as (
    {{ previous_periods_of_this(12) }}
),

billable_reads as (
    select * from validated_reads
    where is_billable
),

-- Reads a later period found out of trend: no longer anyone's last good read.
carried_out as (
    select distinct
        meter_id,
        read_at
    from history
    where is_carried
),

-- The meter's last good read before the period, with the good read before that one.
previous_good_reads as (
    select distinct on (history.meter_id)
        history.meter_id,
        history.read_at,
        history.reading,
        history.read_type,
        history.previous_read_at,
        history.previous_reading
    from history
    where
        history.is_billable
        and not exists (
            select 1 from carried_out
            where carried_out.meter_id = history.meter_id and carried_out.read_at = history.read_at
        )
    order by history.meter_id asc, history.read_at desc
),

-- A meter this model has no earlier rows of (its first screened period): its latest valid read of
-- the 13 months before the period, as the landed file has it.
stateless_previous_reads as (
    select distinct on (readings.meter_id)
        readings.meter_id,
        readings.read_at,
        readings.reading
    from readings
    inner join files
        on readings.source_file_id = files.file_id
    where
        files.is_current
        and readings.read_type in ('actual', 'customer', 'install', 'removal')
        and readings.read_at < {{ period_start() }}
        and readings.read_at >= {{ period_start() }} - interval '13 months'
        and readings.meter_id in (select billable_reads.meter_id from billable_reads)
        and readings.meter_id not in (select previous_good_reads.meter_id from previous_good_reads)
    order by readings.meter_id asc, readings.read_at desc, readings.loaded_at desc
),

first_reads as (
    select distinct on (meter_id)
        meter_id,
        read_at,
        reading
    from billable_reads
    order by meter_id asc, read_at asc
),

last_reads as (
    select distinct on (meter_id)
        meter_id,
        read_at
    from billable_reads
    order by meter_id asc, read_at desc
),

-- The last good read before the period is out of trend when the period's first read is back
-- between the good read before it and it (see the header); a reviewer's accept or replace stands.
carried_suspects as (
    select
        previous_good_reads.*,
        first_reads.read_at as next_read_at,
        first_reads.reading as next_reading
    from previous_good_reads
    inner join first_reads
        on previous_good_reads.meter_id = first_reads.meter_id
    left join latest_decisions
        on
            previous_good_reads.meter_id = latest_decisions.meter_id
            and previous_good_reads.read_at = latest_decisions.read_at
    where
        {{ breaks_register_trend(
            'previous_good_reads.previous_reading', 'previous_good_reads.reading', 'first_reads.reading'
        ) }}
        and coalesce(latest_decisions.decision, '') not in ('accept', 'replace')
),

-- The reading the period's first read is compared with.
previous_reads as (
    select
        previous_good_reads.meter_id,
        coalesce(carried_suspects.previous_read_at, previous_good_reads.read_at) as read_at,
        coalesce(carried_suspects.previous_reading, previous_good_reads.reading) as reading
    from previous_good_reads
    left join carried_suspects
        on previous_good_reads.meter_id = carried_suspects.meter_id
    union all
    select
        meter_id,
        read_at,
        reading
    from stateless_previous_reads
),

-- The first valid read after the period (landed already) is the period's last read's next one.
next_reads as (
    select
        last_reads.meter_id,
        next_landed.read_at,
        next_landed.reading
    from last_reads
    cross join lateral (
        select
            readings.read_at,
            readings.reading
        from readings
        inner join files
            on readings.source_file_id = files.file_id
        where
            readings.meter_id = last_reads.meter_id
            and readings.read_at >= {{ period_end() }} + 1
            and files.is_current
            and readings.read_type in ('actual', 'customer', 'install', 'removal')
        order by readings.read_at asc, readings.loaded_at desc
        limit 1
    ) as next_landed
),

neighbours as (
    select
        billable_reads.*,
        coalesce(
            lag(billable_reads.reading) over by_meter, previous_reads.reading
        ) as neighbour_before,
        coalesce(
            lead(billable_reads.reading) over by_meter, next_reads.reading
        ) as next_reading,
        coalesce(
            lead(billable_reads.read_at) over by_meter, next_reads.read_at
        ) as next_read_at,
        previous_reads.read_at as period_previous_read_at,
        previous_reads.reading as period_previous_reading
    from billable_reads
    left join previous_reads
        on billable_reads.meter_id = previous_reads.meter_id
    left join next_reads
        on billable_reads.meter_id = next_reads.meter_id
    window by_meter as (partition by billable_reads.meter_id order by billable_reads.read_at)
),

trended as (
    select
        *,
        coalesce({{ breaks_register_trend('neighbour_before', 'reading', 'next_reading') }}, false)
            as is_out_of_trend
    from neighbours
),

-- The last good read before each read: the latest earlier one in the period not out of trend.
good_before as (
    select
        *,
        array_agg(read_at) filter (where not is_out_of_trend) over earlier as good_read_ats,
        array_agg(reading) filter (where not is_out_of_trend) over earlier as good_readings
    from trended
    window earlier as (
        partition by meter_id order by read_at rows between unbounded preceding and 1 preceding
    )
),

rated as (
    select
        good_before.*,
        coalesce(
            good_before.good_read_ats[array_length(good_before.good_read_ats, 1)],
            good_before.period_previous_read_at
        ) as previous_read_at,
        coalesce(
            good_before.good_readings[array_length(good_before.good_readings, 1)],
            good_before.period_previous_reading
        ) as previous_reading,
        active_meters.unit,
        active_meters.multiplier,
        {{ max_hourly_units('active_meters') }} as max_hourly_units
    from good_before
    left join active_meters
        on good_before.meter_id = active_meters.meter_id
),

screened as (
    select
        *,
        greatest(extract(epoch from read_at - previous_read_at) / 3600, 1) as hours_since_previous,
        coalesce(
            reading > previous_reading
            and (reading - previous_reading) * multiplier
            / greatest(extract(epoch from read_at - previous_read_at) / 3600, 1) > max_hourly_units,
            false
        ) as is_over_rate
    from rated
),

read_rows as (
    select
        meter_id,
        read_at,
        read_on,
        reading,
        read_type,
        decision,
        previous_read_at,
        previous_reading,
        next_read_at,
        next_reading,
        (is_out_of_trend or is_over_rate) and coalesce(decision, '') not in ('accept', 'replace') as is_suspect,
        false as is_carried,
        case
            when is_out_of_trend and reading > next_reading
                then format(
                    '%s is above the next read %s (%s) while the last good read %s (%s) is not: a register '
                    || 'does not run backwards; not billed, the next read is measured from %s',
                    reading, next_reading, next_read_at, neighbour_before, previous_read_at, previous_reading
                )
            when is_out_of_trend
                then format(
                    '%s is below the last good read %s (%s) while the next read %s (%s) is not: a register '
                    || 'does not run backwards; not billed',
                    reading, neighbour_before, previous_read_at, next_reading, next_read_at
                )
            when is_over_rate
                then format(
                    '%s %s in %s hours since the last good read %s (%s) is over the %s %s an hour this meter '
                    || 'can register; not billed',
                    (reading - previous_reading) * multiplier, unit, round(hours_since_previous, 1),
                    previous_reading, previous_read_at, max_hourly_units, unit
                )
        end as suspect_reason
    from screened
),

carried_rows as (
    select
        meter_id,
        read_at,
        read_at::date as read_on,
        reading,
        read_type,
        null::text as decision,
        previous_read_at,
        previous_reading,
        next_read_at,
        next_reading,
        true as is_suspect,
        true as is_carried,
        format(
            '%s, billed in %s, is out of line with the good read before it (%s, %s) and the next read '
            || '(%s, %s): billing goes on from %s, without a credit; review that period''s bill',
            reading, {{ period_of('read_at') }}, previous_reading, previous_read_at, next_reading, next_read_at,
            previous_reading
        ) as suspect_reason
    from carried_suspects
),

final as (
    select
        {{ period() }} as period,
        meter_id,
        read_at,
        read_on,
        reading,
        read_type,
        decision,
        not is_suspect as is_billable,
        is_suspect,
        is_carried,
        suspect_reason,
        previous_read_at,
        previous_reading,
        next_read_at,
        next_reading
    from (
        select * from read_rows
        union all
        select * from carried_rows
    ) as all_rows
    where {{ period_is_open() }}
)

select * from final
