{#-
    Apartment common areas (billing-rules.md section 2): a building's common-area usage is its
    master (bulk) meter's usage minus the sum of its units' usage, shared to the units by floor
    area (policy common_share: area) or equally (equal). A negative common-area usage is flagged
    and not billed.
-#}
with

meter_periods as (
    select * from {{ ref('int_meter_periods') }}
    where period = {{ period() }} and usage_units is not null
),

service_points as (
    select * from {{ ref('int_service_points_deduplicated') }}
),

point_usage as (
    select
        service_point_id,
        sum(usage_units) as usage_units
    from meter_periods
    group by service_point_id
),

units as (
    select
        service_points.service_point_id,
        service_points.master_service_point_id,
        service_points.floor_area_m2,
        coalesce(point_usage.usage_units, 0) as usage_units
    from service_points
    left join point_usage
        on service_points.service_point_id = point_usage.service_point_id
    where service_points.master_service_point_id is not null
),

buildings as (
    select
        units.master_service_point_id,
        master_usage.usage_units as master_units,
        sum(units.usage_units) as units_total,
        sum(units.floor_area_m2) as floor_area_total,
        count(*) as unit_count
    from units
    inner join point_usage as master_usage
        on units.master_service_point_id = master_usage.service_point_id
    group by units.master_service_point_id, master_usage.usage_units
),

shares as (
    select
        units.service_point_id,
        units.master_service_point_id,
        units.floor_area_m2,
        buildings.master_units,
        buildings.units_total,
        buildings.master_units - buildings.units_total as common_units,
        {% if policy('common_share') == 'equal' -%}
            1.0 / buildings.unit_count
        {%- else -%}
            units.floor_area_m2 / nullif(buildings.floor_area_total, 0)
        {%- endif %} as share_ratio
    from units
    inner join buildings
        on units.master_service_point_id = buildings.master_service_point_id
),

final as (
    select
        {{ period() }} as period,
        service_point_id,
        master_service_point_id,
        floor_area_m2,
        master_units,
        units_total,
        common_units,
        share_ratio,
        common_units < 0 as is_negative_common,
        case when common_units > 0 then round(common_units * share_ratio, 6) else 0 end as share_units
    from shares
    where {{ period_is_open() }}
)

select * from final
