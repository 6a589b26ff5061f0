{#-
    The usage-level VEE flags of the period (billing-rules.md section 3) as rows a reviewer can act
    on, each with the reason shown to them: MISSING (no valid read, estimated), NEGATIVE (the
    register went down, not a rollover), ROLLOVER, SPIKE (far over the recent average) and ZERO
    (zero usage for several periods on an active contract). Which meter periods raise them is
    decided in int_meter_periods, from the state it carries.
-#}
with

meter_periods as (
    select * from {{ ref('int_meter_periods') }}
    where period = {{ period() }}
),

raised as (
    select
        flag.name as flag,
        meter_periods.meter_id,
        meter_periods.billing_read_at as read_at,
        meter_periods.billing_reading as reading,
        coalesce(meter_periods.usage_units, meter_periods.gross_units) as units,
        flag.reason
    from meter_periods
    cross join
        lateral (
            values
            (
                'MISSING',
                meter_periods.is_missing,
                format(
                    'no valid read in the period; estimated %s %s over %s days', meter_periods.usage_units,
                    meter_periods.unit, meter_periods.interval_days
                )
            ),
            (
                'NEGATIVE',
                meter_periods.is_negative,
                format(
                    'the register went down from %s to %s (not a rollover); not billed',
                    meter_periods.baseline_reading, meter_periods.billing_reading
                )
            ),
            (
                'ROLLOVER',
                meter_periods.is_rollover,
                format(
                    'the register rolled over from %s to %s (%s digits)', meter_periods.baseline_reading,
                    meter_periods.billing_reading, meter_periods.register_digits
                )
            ),
            (
                'SPIKE',
                meter_periods.is_spike,
                format('%s %s/day is over %s x the recent average of %s', round(
                    meter_periods.usage_units / nullif(meter_periods.interval_days, 0), 2
                ), meter_periods.unit, {{ policy('spike_factor') }}, round(meter_periods.avg_daily_units, 2))
            ),
            (
                'ZERO',
                meter_periods.is_zero,
                format('zero usage for %s periods in a row on an active contract', meter_periods.zero_streak)
            )
        ) as flag (name, raised, reason)
    where flag.raised
),

final as (
    select
        {{ period() }} as period,
        flag,
        meter_id,
        read_at,
        reading,
        units,
        reason
    from raised
    where {{ period_is_open() }}
)

select * from final
