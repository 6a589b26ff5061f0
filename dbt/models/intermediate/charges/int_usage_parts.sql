{#-
    Parts of the period's usage (billing-rules.md section 4): consecutive days with the same
    contract, tariff version and calendar month. Every day of a meter's interval takes an equal
    share of its usage; a part's units are the shares of its days, summed over the meters of the
    service point (a meter exchange puts the old and the new meter's days side by side). A part is
    scaled by part_days / days of its own month, so days of an earlier month carried into this
    period's interval add up with that month's own invoice to exactly one month (D70), and its
    season is its own month's. Computed by intersecting date ranges, not per day. Days no contract
    (or no tariff version) covers form a part with contract_id null per month: not billed, flagged
    ORPHAN. Unmetered service points billed by norm add their parts from int_norm_usage.
-#}
{%- set part_columns -%}
    service_point_id, contract_id, account_id, tariff_code, tariff_effective_from, service, unit,
    part_from, part_to, part_days, units, is_estimated, meter_ids, scale_factor, season, residents
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

-- Each meter's interval cut at calendar-month boundaries: a part never spans two months.
meter_months as (
    select
        meter_periods.*,
        months.month_start,
        months.month_days,
        greatest(meter_periods.interval_from, months.month_start) as month_from,
        least(meter_periods.interval_to, months.month_end) as month_to
    from meter_periods
    cross join lateral {{ calendar_months('meter_periods.interval_from', 'meter_periods.interval_to') }} as months
),

meter_windows as (
    select
        meter_months.*,
        contracts.contract_id,
        contracts.account_id,
        contracts.tariff_code,
        tariffs.effective_from as tariff_effective_from,
        tariffs.persons_included,
        greatest(meter_months.month_from, contracts.start_date, tariffs.effective_from) as window_from,
        least(
            meter_months.month_to,
            coalesce(contracts.end_date, meter_months.month_to),
            coalesce(tariffs.effective_to - 1, meter_months.month_to)
        ) as window_to
    from meter_months
    inner join contracts
        on
            meter_months.service_point_id = contracts.service_point_id
            and meter_months.month_to >= contracts.start_date
            and (contracts.end_date is null or meter_months.month_from <= contracts.end_date)
    inner join tariffs
        on
            contracts.tariff_code = tariffs.tariff_code
            and meter_months.month_to >= tariffs.effective_from
            and (tariffs.effective_to is null or meter_months.month_from < tariffs.effective_to)
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
        month_start,
        sum(window_days) as covered_days,
        sum(window_units) as covered_units
    from meter_parts
    group by meter_id, month_start
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
        ((max(window_to) - min(window_from)) + 1)::numeric / min(month_days) as scale_factor,
        {{ period_season("to_char(month_start, 'YYYY-MM')") }} as season,
        -- Household-size bounds (section 9): residents are looked up only for versions that set
        -- persons_included (a subplan inside CASE runs only when reached).
        case
            when min(persons_included) is not null
                then (
                    select service_points.residents from service_points
                    where service_points.service_point_id = meter_parts.service_point_id
                )
        end as residents
    from meter_parts
    group by service_point_id, contract_id, account_id, tariff_code, tariff_effective_from, month_start
),

orphan_parts as (
    select
        meter_months.service_point_id,
        null::text as contract_id,
        null::text as account_id,
        null::text as tariff_code,
        null::date as tariff_effective_from,
        meter_months.service,
        meter_months.unit,
        meter_months.month_from as part_from,
        meter_months.month_to as part_to,
        ((meter_months.month_to - meter_months.month_from) + 1 - coalesce(covered.covered_days, 0))::integer
            as part_days,
        round(
            meter_months.usage_units * ((meter_months.month_to - meter_months.month_from) + 1)
            / meter_months.interval_days,
            6
        ) - coalesce(covered.covered_units, 0) as units,
        meter_months.is_estimated,
        meter_months.meter_id as meter_ids,
        ((meter_months.month_to - meter_months.month_from) + 1 - coalesce(covered.covered_days, 0))::numeric
        / meter_months.month_days as scale_factor,
        {{ period_season("to_char(meter_months.month_start, 'YYYY-MM')") }} as season,
        null::integer as residents
    from meter_months
    left join covered
        on
            meter_months.meter_id = covered.meter_id
            and meter_months.month_start = covered.month_start
    where
        (meter_months.month_to - meter_months.month_from) + 1 > coalesce(covered.covered_days, 0)
        and meter_months.service_point_id not in (select master_points.service_point_id from master_points)
),

-- Unmetered service points billed by norm (section 9): parts of their own, meter_ids 'norm'.
norm_parts as (
    select * from {{ ref('int_norm_usage') }}
    where period = {{ period() }}
),

all_parts as (
    select {{ part_columns }} from contract_parts
    union all
    select {{ part_columns }} from orphan_parts
    union all
    select {{ part_columns }} from norm_parts
),

final as (
    select
        {{ period() }} as period,
        *
    from all_parts
    where {{ period_is_open() }}
)

select * from final
