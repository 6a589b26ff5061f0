{#-
    One row per meter and period: the period's usage and the meter's state carried to the next
    period. State (last read, days covered, units estimated since that read, zero streak) comes
    from this model's own row of the previous period, so the cost of a period does not grow with
    history. A meter with no previous row (first period, new meter) starts from its latest valid
    read before the period, or from its first read in the period (an install read). Its reads are
    those that passed the bad-read screen (int_reads_screened, D62-D64): a SUSPECT read is never a
    billing read, and a carried last read found bad later gives way to the good read before it.
-#}
with

-- The period's valid reads after the bad-read screen (SUSPECT reads are not billable), and the
-- earlier billed read the screen now finds out of trend (is_carried).
validated_reads as (
    select * from {{ ref('int_reads_screened') }}
    where period = {{ period() }}
),

interval_usage as (
    select * from {{ ref('int_interval_usage') }}
    where period = {{ period() }}
),

all_reads as (
    select * from {{ ref('stg_meter_reads__readings') }}
    where read_on < {{ period_start() }}
),

latest_decisions as (
    select * from {{ ref('int_reading_decisions_latest') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

active_meters as (
    select * from {{ ref('int_meters_active') }}
    where period = {{ period() }}
),

history as (
    {{ previous_periods_of_this(12) }}
),

previous_state as (
    select * from history
    where period = {{ previous_period(1) }}
),

averages as (
    select
        meter_id,
        sum(usage_units) / nullif(sum(interval_days), 0) as avg_daily_units,
        count(*) as billed_periods
    from history
    where usage_units is not null and interval_days > 0
    group by meter_id
),

-- Baseline for meters the previous period did not carry: their latest valid read before the period.
stateless_baselines as (
    select distinct on (all_reads.meter_id)
        all_reads.meter_id,
        all_reads.read_at,
        all_reads.reading
    from all_reads
    inner join files
        on all_reads.source_file_id = files.file_id
    where
        files.is_current
        and all_reads.read_type in ('actual', 'customer', 'install', 'removal')
        and all_reads.meter_id in (
            select active_meters.meter_id from active_meters
            where active_meters.meter_id not in (select previous_state.meter_id from previous_state)
        )
    order by all_reads.meter_id asc, all_reads.read_at desc, all_reads.loaded_at desc
),

-- A late correction: the read the carried state ends on now has another current value (a newer
-- file, or a reviewer's replacement). Its period is closed, so the difference is rebilled in this
-- period (int_usage_parts) and this period starts from the corrected value. Only the last 13
-- months are looked at, which keeps the cost independent of history.
corrections as (
    select distinct on (previous_state.meter_id)
        previous_state.meter_id,
        previous_state.last_read_at,
        previous_state.last_reading,
        coalesce(replacements.new_reading, all_reads.reading) as corrected_reading
    from previous_state
    inner join all_reads
        on
            previous_state.meter_id = all_reads.meter_id
            and previous_state.last_read_at = all_reads.read_at
            and all_reads.read_on >= {{ period_start() }} - interval '13 months'
    inner join files
        on all_reads.source_file_id = files.file_id
    left join latest_decisions as replacements
        on
            previous_state.meter_id = replacements.meter_id
            and previous_state.last_read_at = replacements.read_at
    where files.is_current and all_reads.read_type in ('actual', 'customer', 'install', 'removal')
    order by
        previous_state.meter_id asc,
        all_reads.loaded_at desc,
        all_reads.source_file_id desc,
        all_reads.source_row_no desc
),

billable_reads as (
    select * from validated_reads
    where is_billable
),

-- The carried last read turned out to be a bad read: measure from the good read before it (D64).
carried_suspects as (
    select * from validated_reads
    where is_carried
),

first_reads as (
    select distinct on (meter_id)
        meter_id,
        read_at,
        reading
    from billable_reads
    order by meter_id, read_at
),

last_reads as (
    select distinct on (meter_id)
        meter_id,
        read_at,
        read_on,
        reading,
        read_type
    from billable_reads
    order by meter_id asc, read_at desc
),

based as (
    select
        active_meters.*,
        previous_state.meter_id is not null as has_state,
        coalesce(
            carried_suspects.previous_read_at,
            previous_state.last_read_at,
            stateless_baselines.read_at,
            first_reads.read_at
        ) as baseline_read_at,
        coalesce(
            corrections.corrected_reading,
            carried_suspects.previous_reading,
            previous_state.last_reading,
            stateless_baselines.reading,
            first_reads.reading
        ) as baseline_reading,
        coalesce(corrections.corrected_reading - corrections.last_reading, 0) * active_meters.multiplier
            as correction_units,
        {{ period_of('corrections.last_read_at') }} as corrected_period,
        coalesce(previous_state.estimated_units_since_read, 0) as estimated_units_since_read,
        coalesce(previous_state.zero_streak, 0) as previous_zero_streak,
        previous_state.covered_through as previous_covered_through,
        averages.avg_daily_units,
        round(power(10::numeric, active_meters.register_digits)) as register_modulus
    from active_meters
    left join previous_state on active_meters.meter_id = previous_state.meter_id
    left join corrections
        on
            active_meters.meter_id = corrections.meter_id
            and corrections.corrected_reading <> corrections.last_reading
    left join carried_suspects
        on
            active_meters.meter_id = carried_suspects.meter_id
            and previous_state.last_read_at = carried_suspects.read_at
    left join stateless_baselines on active_meters.meter_id = stateless_baselines.meter_id
    left join first_reads on active_meters.meter_id = first_reads.meter_id
    left join averages on active_meters.meter_id = averages.meter_id
),

-- Interval (AMI) data, ordered by instant in int_interval_usage: the step from the baseline to the
-- period's first interval read (rollover applied), then the advance between its reads. Without a
-- baseline the first interval read is the starting point.
interval_first_steps as (
    select
        interval_usage.*,
        interval_usage.first_reading < based.baseline_reading as first_step_down,
        {{ register_advance('based.baseline_reading', 'interval_usage.first_reading', 'based.register_modulus') }}
            as first_step_units,
        based.multiplier
    from interval_usage
    inner join based on interval_usage.meter_id = based.meter_id
    where based.baseline_reading is not null or interval_usage.interval_reads > 1
),

interval_totals as (
    select
        meter_id,
        last_read_at,
        last_reading,
        last_interval_on,
        (coalesce(first_step_units, 0) + advance_units) * multiplier as usage_units,
        is_rollover or coalesce(first_step_down and first_step_units is not null, false) as is_rollover,
        is_negative or coalesce(first_step_down and first_step_units is null, false) as is_negative
    from interval_first_steps
),

register_usage as (
    select
        based.*,
        last_reads.read_at as billing_read_at,
        last_reads.reading as billing_reading,
        last_reads.read_on as billing_read_on,
        interval_totals.meter_id is not null as has_interval_data,
        interval_totals.last_read_at as interval_last_read_at,
        interval_totals.last_reading as interval_last_reading,
        interval_totals.last_interval_on as interval_last_day,
        interval_totals.usage_units as interval_units,
        coalesce(interval_totals.is_rollover, false) as interval_rollover,
        coalesce(interval_totals.is_negative, false) as interval_negative,
        last_reads.read_at is not null and last_reads.read_at > based.baseline_read_at as has_billing_read
    from based
    left join last_reads on based.meter_id = last_reads.meter_id
    left join interval_totals on based.meter_id = interval_totals.meter_id
),

measured as (
    select
        *,
        has_billing_read and billing_reading < baseline_reading as went_down,
        case
            when has_billing_read
                then {{ register_advance('baseline_reading', 'billing_reading', 'register_modulus') }}
        end as advanced_units,
        -- The days this period's consumption covers: after the last covered day, through the read.
        greatest(coalesce(previous_covered_through, baseline_read_at::date) + 1, installed_on) as interval_from
    from register_usage
),

register_measured as (
    select
        *,
        went_down and advanced_units is not null as is_register_rollover,
        advanced_units * multiplier as gross_register_units
    from measured
),

classified as (
    select
        *,
        case
            when has_interval_data then 'interval'
            when has_billing_read and not went_down then 'actual'
            when has_billing_read and is_register_rollover then 'actual'
            when has_billing_read then 'negative'
            when has_contract and baseline_read_at is not null and active_from <= active_to then 'estimated'
            else 'none'
        end as read_kind
    from register_measured
),

usage as (
    select
        classified.*,
        case classified.read_kind
            when 'interval' then classified.interval_units
            when 'actual' then classified.gross_register_units
        end as gross_units,
        case classified.read_kind
            when 'interval' then classified.interval_last_day
            when 'actual' then classified.billing_read_on
            when 'estimated' then classified.active_to
        end as interval_to,
        case classified.read_kind
            when 'estimated' then greatest(classified.interval_from, classified.active_from)
            else classified.interval_from
        end as usage_from
    from classified
),

priced_days as (
    select
        usage.*,
        greatest((usage.interval_to - usage.usage_from) + 1, 0) as interval_days,
        case
            when usage.read_kind = 'estimated'
                then round(
                    coalesce(
                        usage.avg_daily_units,
                        (
                            '{{ tojson(policy('class_default_daily_usage')) }}'::jsonb
                            -> usage.service ->> usage.customer_class
                        )::numeric
                    ) * greatest((usage.interval_to - usage.usage_from) + 1, 0),
                    3
                )
        end as estimated_units
    from usage
),

trued_up as (
    select
        priced_days.*,
        case
            when
                priced_days.read_kind in ('actual', 'interval')
                then priced_days.gross_units - priced_days.estimated_units_since_read
            when priced_days.read_kind = 'estimated' then priced_days.estimated_units
        end as net_units
    from priced_days
),

final as (
    select
        {{ period() }} as period,
        meter_id,
        service_point_id,
        service,
        unit,
        customer_class,
        multiplier,
        register_digits,
        read_kind,
        baseline_read_at,
        baseline_reading,
        case when read_kind = 'interval' then interval_last_read_at else billing_read_at end as billing_read_at,
        case when read_kind = 'interval' then interval_last_reading else billing_reading end as billing_reading,
        gross_units,
        case when read_kind in ('actual', 'interval') then estimated_units_since_read else 0 end
            as trued_up_estimate_units,
        case when read_kind in ('actual', 'interval', 'estimated') then greatest(net_units, 0) end as usage_units,
        least(coalesce(net_units, 0), 0) as credit_units,
        correction_units,
        case when correction_units <> 0 then corrected_period end as corrected_period,
        case when read_kind in ('actual', 'interval', 'estimated') then usage_from end as interval_from,
        case when read_kind in ('actual', 'interval', 'estimated') then interval_to end as interval_to,
        case when read_kind in ('actual', 'interval', 'estimated') then interval_days end as interval_days,
        avg_daily_units,
        read_kind = 'estimated' as is_estimated,
        read_kind = 'estimated' as is_missing,
        is_register_rollover or interval_rollover as is_rollover,
        read_kind = 'negative' or interval_negative as is_negative,
        coalesce(
            read_kind in ('actual', 'interval')
            and interval_days > 0
            and greatest(net_units, 0) / interval_days > {{ policy('spike_factor') }} * avg_daily_units
            and greatest(net_units, 0) > {{ policy('spike_min_units') }},
            false
        ) as is_spike,
        has_contract
        and read_kind in ('actual', 'interval', 'estimated')
        and greatest(net_units, 0) = 0
        and previous_zero_streak + 1 >= {{ policy('zero_periods') }} as is_zero,
        -- State carried to the next period.
        case
            when read_kind = 'interval' then interval_last_read_at
            when read_kind = 'actual' then billing_read_at
            else baseline_read_at
        end as last_read_at,
        case
            when read_kind = 'interval' then interval_last_reading
            when read_kind = 'actual' then billing_reading
            else baseline_reading
        end as last_reading,
        case
            when read_kind in ('actual', 'interval', 'estimated') then interval_to
            else previous_covered_through
        end as covered_through,
        case
            when read_kind in ('actual', 'interval') then 0
            when read_kind = 'estimated' then estimated_units_since_read + estimated_units
            else estimated_units_since_read
        end as estimated_units_since_read,
        case
            when read_kind in ('actual', 'interval', 'estimated') and greatest(net_units, 0) = 0
                then previous_zero_streak + 1
            when read_kind in ('actual', 'interval', 'estimated') then 0
            else previous_zero_streak
        end as zero_streak
    from trued_up
    where {{ period_is_open() }}
)

select * from final
