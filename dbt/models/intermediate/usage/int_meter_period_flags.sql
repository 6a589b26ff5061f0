{#-
    The usage-level VEE flags of the period (billing-rules.md section 3) as rows a reviewer can act
    on, each with the reason shown to them: MISSING (no valid read, estimated), NEGATIVE (the
    register went down, not a rollover), ROLLOVER, SPIKE (far over the recent average) and ZERO
    (zero usage for several periods on an active contract). Which meter periods raise them is
    decided in int_meter_periods, from the state it carries. For interval (AMI) data a NEGATIVE or
    ROLLOVER reason names the step that went down, with its values and instants (int_interval_usage;
    the step from the baseline to the first interval read when no later step went down).
-#}
with

meter_periods as (
    select * from {{ ref('int_meter_periods') }}
    where period = {{ period() }}
),

interval_usage as (
    select * from {{ ref('int_interval_usage') }}
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
    left join interval_usage
        on meter_periods.meter_id = interval_usage.meter_id
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
                case
                    when interval_usage.is_negative
                        then format(
                            'the register went down from %s at %s to %s at %s (not a rollover); '
                            || 'that step is not billed',
                            interval_usage.negative_from_reading,
                            {{ local_time_text('interval_usage.negative_from_instant') }},
                            interval_usage.negative_to_reading,
                            {{ local_time_text('interval_usage.negative_to_instant') }}
                        )
                    when meter_periods.read_kind = 'interval'
                        then format(
                            'the register went down from %s to %s at %s (not a rollover); that step is not billed',
                            meter_periods.baseline_reading, interval_usage.first_reading,
                            {{ local_time_text('interval_usage.first_read_instant') }}
                        )
                    else format(
                        'the register went down from %s to %s (not a rollover); not billed',
                        meter_periods.baseline_reading, meter_periods.billing_reading
                    )
                end
            ),
            (
                'ROLLOVER',
                meter_periods.is_rollover,
                case
                    when interval_usage.is_rollover
                        then format(
                            'the register rolled over from %s to %s at %s (%s digits)',
                            interval_usage.rollover_from_reading, interval_usage.rollover_to_reading,
                            {{ local_time_text('interval_usage.rollover_to_instant') }}, meter_periods.register_digits
                        )
                    when meter_periods.read_kind = 'interval'
                        then format(
                            'the register rolled over from %s to %s at %s (%s digits)',
                            meter_periods.baseline_reading, interval_usage.first_reading,
                            {{ local_time_text('interval_usage.first_read_instant') }}, meter_periods.register_digits
                        )
                    else format(
                        'the register rolled over from %s to %s (%s digits)', meter_periods.baseline_reading,
                        meter_periods.billing_reading, meter_periods.register_digits
                    )
                end
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
