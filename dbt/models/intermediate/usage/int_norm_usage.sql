{#-
    Norm-based usage of unmetered service points (billing-rules.md section 9): a contract whose tariff
    version sets a norm (norm_basis, norm_units) is billed, for the days its service point has no meter
    installed, per part (contract, version, month), norm_units per month x the service point's
    residents (norm_basis: resident) or floor_area_m2 (norm_basis: area) x part_days / days in the
    month. The part says how: meter_ids 'norm', norm_basis and norm_quantity (residents or m2), and the
    version (tariff_effective_from). A service point metered for part of the period gets a norm part
    for its days before the first meter was installed and after the last was removed, from the first
    to the last such day, part_days counting only them (D122); the meter bills its own days. Days
    between two meters are not billed by norm (the metered part spans them; int_unbilled_unmetered_days
    flags them). Only contracts of tariffs with a norm are read, day by day.
-#}
with

norm_versions as (
    select * from {{ ref('int_tariffs_current') }}
    where norm_basis is not null and norm_units is not null
),

contracts as (
    select * from {{ ref('int_contracts_deduplicated') }}
    where tariff_code in (select norm_versions.tariff_code from norm_versions)
),

service_points as (
    select * from {{ ref('int_service_points_deduplicated') }}
),

meters as (
    select * from {{ ref('int_meters_deduplicated') }}
),

windows as (
    select
        contracts.service_point_id,
        contracts.contract_id,
        contracts.account_id,
        contracts.tariff_code,
        norm_versions.effective_from as tariff_effective_from,
        norm_versions.service,
        norm_versions.norm_basis,
        norm_versions.norm_units,
        norm_versions.persons_included,
        greatest({{ period_start() }}, contracts.start_date, norm_versions.effective_from) as part_from,
        least(
            {{ period_end() }},
            coalesce(contracts.end_date, {{ period_end() }}),
            coalesce(norm_versions.effective_to - 1, {{ period_end() }})
        ) as part_to
    from contracts
    inner join norm_versions
        on contracts.tariff_code = norm_versions.tariff_code
),

-- Each day of a window, and whether a meter measures it: from the day after it was installed (its
-- install read closes that day: int_meter_periods starts a meter's interval the day after its baseline
-- read) through the day it was removed.
window_days as (
    select
        windows.contract_id,
        windows.tariff_effective_from,
        calendar_days.day_on::date as day_on,
        exists(
            select 1 from meters
            where
                meters.service_point_id = windows.service_point_id
                and meters.installed_on < calendar_days.day_on::date
                and (meters.removed_on is null or meters.removed_on >= calendar_days.day_on::date)
        ) as is_metered
    from windows
    cross join
        lateral generate_series(windows.part_from, windows.part_to, interval '1 day') as calendar_days (day_on)
    where windows.part_from <= windows.part_to
),

-- The first and last metered day of each window: a metered part spans them (int_usage_parts), fixed
-- and basic charges included, so days without a meter between two meters are not billed by norm.
metered_spans as (
    select
        contract_id,
        tariff_effective_from,
        min(day_on) as first_metered_on,
        max(day_on) as last_metered_on
    from window_days
    where is_metered
    group by contract_id, tariff_effective_from
),

-- The window's days without a meter (D122): the whole window, or the days before the first meter was
-- installed and after the last was removed; the meter bills its own days.
unmetered as (
    select
        windows.service_point_id,
        windows.contract_id,
        windows.account_id,
        windows.tariff_code,
        windows.tariff_effective_from,
        windows.service,
        windows.norm_basis,
        windows.norm_units,
        windows.persons_included,
        min(window_days.day_on) as part_from,
        max(window_days.day_on) as part_to,
        count(*)::integer as part_days
    from windows
    inner join window_days
        on
            windows.contract_id = window_days.contract_id
            and windows.tariff_effective_from = window_days.tariff_effective_from
    left join metered_spans
        on
            window_days.contract_id = metered_spans.contract_id
            and window_days.tariff_effective_from = metered_spans.tariff_effective_from
    where
        not window_days.is_metered
        and (
            metered_spans.first_metered_on is null
            or window_days.day_on < metered_spans.first_metered_on
            or window_days.day_on > metered_spans.last_metered_on
        )
    group by
        windows.service_point_id, windows.contract_id, windows.account_id, windows.tariff_code,
        windows.tariff_effective_from, windows.service, windows.norm_basis, windows.norm_units,
        windows.persons_included
),

normed as (
    select
        unmetered.*,
        case unmetered.norm_basis
            when 'resident' then service_points.residents
            when 'area' then service_points.floor_area_m2
        end as norm_quantity,
        service_points.residents
    from unmetered
    left join service_points
        on unmetered.service_point_id = service_points.service_point_id
),

final as (
    select
        {{ period() }} as period,
        service_point_id,
        contract_id,
        account_id,
        tariff_code,
        tariff_effective_from,
        service,
        case service when 'electricity' then 'kWh' when 'heat' then 'Gcal' else 'm3' end as unit,
        part_from,
        part_to,
        part_days,
        round(norm_units * norm_quantity * part_days / {{ period_days() }}, 6) as units,
        false as is_estimated,
        'norm' as meter_ids,
        part_days::numeric / {{ period_days() }} as scale_factor,
        {{ period_season() }} as season,
        case when persons_included is not null then residents end as residents,
        norm_basis,
        norm_quantity,
        norm_units
    from normed
    where norm_quantity is not null and {{ period_is_open() }}
)

select * from final
