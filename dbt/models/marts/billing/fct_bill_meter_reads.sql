{#-
    What a customer's bill prints per meter (D105): the previous and current read with their dates and
    kind, the multiplier and the units, with the service point's address. Read only from the period's
    meter rows, so a closed period's rows stay as they were billed.
-#}
with

meter_periods as (
    select * from {{ ref('int_meter_periods') }}
    where period = {{ period() }} and read_kind <> 'none'
),

service_points as (
    select * from {{ ref('int_service_points_deduplicated') }}
),

final as (
    select
        meter_periods.period,
        meter_periods.meter_id,
        meter_periods.service_point_id,
        meter_periods.service,
        meter_periods.unit,
        service_points.address,
        service_points.district,
        meter_periods.multiplier,
        meter_periods.read_kind,
        meter_periods.baseline_read_at::date as previous_read_on,
        meter_periods.baseline_reading as previous_reading,
        meter_periods.billing_read_at::date as current_read_on,
        meter_periods.billing_reading as current_reading,
        meter_periods.usage_units
    from meter_periods
    left join service_points
        on meter_periods.service_point_id = service_points.service_point_id
    where {{ period_is_open() }}
)

select * from final
