{#-
    Parts of the period's usage: consecutive days with the same contract and tariff version.
    Every day of a meter's interval takes an equal share of its usage; a part's units are the
    shares of its days, summed over the meters of the service point (a meter exchange puts the old
    and the new meter's days side by side). Computed by intersecting date ranges, not per day.
    Days no contract (or no tariff version) covers form a part with contract_id null: not billed,
    flagged ORPHAN.
-#}
{%- set part_columns -%}
    service_point_id, contract_id, account_id, tariff_code, tariff_effective_from, service, unit,
    part_from, part_to, part_days, units, is_estimated, meter_ids, scale_factor, season
{%- endset %}

with

meter_periods as (
    select * from {{ ref('int_meter_periods') }}
    where period = {{ period() }} and usage_units is not null and interval_days > 0
),

contracts as (
    select * from {{ ref('int_contracts_deduplicated') }}
),

tariffs as (
    select * from {{ ref('int_tariffs_current') }}
),

service_points as (
    select * from {{ ref('int_service_points_deduplicated') }}
),

-- Bulk (master) meters of apartment buildings are billed through common-area sharing, not contracts.
master_points as (
    select distinct master_service_point_id as service_point_id
    from service_points
    where master_service_point_id is not null
),

meter_windows as (
    select
        meter_periods.*,
        contracts.contract_id,
        contracts.account_id,
        contracts.tariff_code,
        tariffs.effective_from as tariff_effective_from,
        greatest(
            meter_periods.interval_from, contracts.start_date, tariffs.effective_from
        ) as window_from,
        least(
            meter_periods.interval_to,
            coalesce(contracts.end_date, meter_periods.interval_to),
            coalesce(tariffs.effective_to - 1, meter_periods.interval_to)
        ) as window_to
    from meter_periods
    inner join contracts
        on
            meter_periods.service_point_id = contracts.service_point_id
            and meter_periods.interval_to >= contracts.start_date
            and (contracts.end_date is null or meter_periods.interval_from <= contracts.end_date)
    inner join tariffs
        on
            contracts.tariff_code = tariffs.tariff_code
            and meter_periods.interval_to >= tariffs.effective_from
            and (tariffs.effective_to is null or meter_periods.interval_from < tariffs.effective_to)
),

meter_parts as (
    select
        *,
        (window_to - window_from) + 1 as window_days,
        round(usage_units * ((window_to - window_from) + 1) / interval_days, 6) as window_units
    from meter_windows
    where window_from <= window_to
),

covered as (
    select
        meter_id,
        sum(window_days) as covered_days,
        sum(window_units) as covered_units
    from meter_parts
    group by meter_id
),

contract_parts as (
    select
        service_point_id,
        contract_id,
        account_id,
        tariff_code,
        tariff_effective_from,
        min(service) as service,
        min(unit) as unit,
        min(window_from) as part_from,
        max(window_to) as part_to,
        (max(window_to) - min(window_from)) + 1 as part_days,
        sum(window_units) as units,
        bool_or(is_estimated) as is_estimated,
        string_agg(meter_id, ',' order by window_from) as meter_ids,
        ((max(window_to) - min(window_from)) + 1)::numeric / {{ period_days() }} as scale_factor,
        {{ period_season() }} as season
    from meter_parts
    group by service_point_id, contract_id, account_id, tariff_code, tariff_effective_from
),

orphan_parts as (
    select
        meter_periods.service_point_id,
        null::text as contract_id,
        null::text as account_id,
        null::text as tariff_code,
        null::date as tariff_effective_from,
        meter_periods.service,
        meter_periods.unit,
        meter_periods.interval_from as part_from,
        meter_periods.interval_to as part_to,
        (meter_periods.interval_days - coalesce(covered.covered_days, 0))::integer as part_days,
        round(meter_periods.usage_units - coalesce(covered.covered_units, 0), 6) as units,
        meter_periods.is_estimated,
        meter_periods.meter_id as meter_ids,
        (meter_periods.interval_days - coalesce(covered.covered_days, 0))::numeric / {{ period_days() }}
            as scale_factor,
        {{ period_season() }} as season
    from meter_periods
    left join covered on meter_periods.meter_id = covered.meter_id
    where
        meter_periods.interval_days > coalesce(covered.covered_days, 0)
        and meter_periods.service_point_id not in (select master_points.service_point_id from master_points)
),

all_parts as (
    select {{ part_columns }} from contract_parts
    union all
    select {{ part_columns }} from orphan_parts
),

final as (
    select
        {{ period() }} as period,
        *
    from all_parts
    where {{ period_is_open() }}
)

select * from final
