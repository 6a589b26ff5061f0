with

meter_periods as (
    select * from {{ ref('int_meter_periods') }}
    where period = {{ period() }} and read_kind <> 'none'
),

-- The parts billed in this run: the period's own, and a late-corrected closed period's parts charged
-- again (counted as before the split; see docs/decisions.md D55).
parts as (
    select
        service_point_id,
        contract_id,
        units
    from {{ ref('int_usage_parts') }}
    where period = {{ period() }}
    union all
    select
        service_point_id,
        contract_id,
        units
    from {{ ref('int_rebill_parts') }}
    where period = {{ period() }}
),

part_units as (
    select
        service_point_id,
        sum(units) filter (where contract_id is not null) as billed_units,
        sum(units) filter (where contract_id is null) as unbilled_units,
        array_agg(distinct contract_id) filter (where contract_id is not null) as contract_ids
    from parts
    group by service_point_id
),

usage as (
    select
        service_point_id,
        min(service) as service,
        min(unit) as unit,
        sum(usage_units) as usage_units,
        sum(gross_units) as gross_units,
        sum(trued_up_estimate_units) as trued_up_estimate_units,
        sum(credit_units) as credit_units,
        min(interval_from) as interval_from,
        max(interval_to) as interval_to,
        case
            when bool_or(read_kind = 'negative') then 'negative'
            when bool_or(read_kind = 'estimated') then 'estimated'
            when bool_or(read_kind = 'interval') then 'interval'
            else 'actual'
        end as read_type,
        count(*) as meter_count,
        array_agg(meter_id order by meter_id) as meter_ids,
        array_remove(
            array[
                case when bool_or(is_missing) then 'MISSING' end,
                case when bool_or(is_negative) then 'NEGATIVE' end,
                case when bool_or(is_rollover) then 'ROLLOVER' end,
                case when bool_or(is_spike) then 'SPIKE' end,
                case when bool_or(is_zero) then 'ZERO' end
            ],
            null
        ) as flags
    from meter_periods
    group by service_point_id
),

final as (
    select
        usage.service_point_id,
        {{ period() }} as period,
        usage.service,
        usage.unit,
        usage.usage_units,
        coalesce(part_units.billed_units, 0) as billed_units,
        coalesce(part_units.unbilled_units, 0) as unbilled_units,
        usage.gross_units,
        usage.trued_up_estimate_units,
        usage.credit_units,
        usage.interval_from,
        usage.interval_to,
        usage.read_type,
        usage.read_type = 'estimated' as is_estimated,
        usage.meter_count,
        usage.meter_ids,
        part_units.contract_ids,
        case
            when coalesce(part_units.unbilled_units, 0) > 0 then array_append(usage.flags, 'ORPHAN')
            else usage.flags
        end as flags
    from usage
    left join part_units
        on usage.service_point_id = part_units.service_point_id
    where {{ period_is_open() }}
)

select * from final
