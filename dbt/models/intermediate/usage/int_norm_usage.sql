{#-
    Norm-based usage of unmetered service points (billing-rules.md section 9): a contract whose tariff
    version sets a norm (norm_basis, norm_units) on a service point with no meter installed during the
    period is billed, per part (contract, version, month), norm_units per month x the service point's
    residents (norm_basis: resident) or floor_area_m2 (norm_basis: area) x part_days / days in the
    month. The part says how: meter_ids 'norm', norm_basis and norm_quantity (residents or m2), and the
    version (tariff_effective_from). A service point with a meter for part of the period is billed on
    its meter (D95). Only contracts of tariffs with a norm are read.
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

unmetered as (
    select windows.*
    from windows
    where
        windows.part_from <= windows.part_to
        and not exists (
            select 1 from meters
            where
                meters.service_point_id = windows.service_point_id
                and meters.installed_on <= {{ period_end() }}
                and (meters.removed_on is null or meters.removed_on >= {{ period_start() }})
        )
),

normed as (
    select
        unmetered.*,
        (unmetered.part_to - unmetered.part_from) + 1 as part_days,
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
