{#-
    Contract days of the period that neither a meter nor a norm bills (billing-rules.md section 9,
    D121, D122), so no input leaves an account silently unbilled: exc_reading_anomalies shows each as
    a MISSING flag with its reason.
    - A contract in force whose service point has no meter on any of its days and whose tariff has no
      norm: nothing measures or estimates its usage.
    - A contract of a tariff with a norm whose service point has days without a meter that
      int_norm_usage does not bill: the version in force sets no norm, the service point lacks the
      residents or floor area the norm is per, or the days lie between two meters (D122).
    Days are counted per day only for contracts of tariffs with a norm (few); other contracts are
    checked by one anti-join on the meters of the period.
-#}
with

norm_tariff_codes as (
    select distinct tariff_code from {{ ref('int_tariffs_current') }}
    where norm_basis is not null and norm_units is not null
),

tariffs as (
    select * from {{ ref('int_tariffs_current') }}
),

contracts as (
    select * from {{ ref('int_contracts_deduplicated') }}
    where {{ contract_active_in_period('start_date', 'end_date') }}
),

-- Bulk (master) meters of apartment buildings are billed through common-area sharing, not contracts.
master_points as (
    select distinct master_service_point_id as service_point_id
    from {{ ref('int_service_points_deduplicated') }}
    where master_service_point_id is not null
),

service_points as (
    select * from {{ ref('int_service_points_deduplicated') }}
),

meters as (
    select * from {{ ref('int_meters_deduplicated') }}
    where installed_on <= {{ period_end() }} and (removed_on is null or removed_on >= {{ period_start() }})
),

norm_usage as (
    select * from {{ ref('int_norm_usage') }}
    where period = {{ period() }}
),

windows as (
    select
        contracts.contract_id,
        contracts.account_id,
        contracts.service_point_id,
        contracts.tariff_code,
        greatest({{ period_start() }}, contracts.start_date) as window_from,
        least({{ period_end() }}, coalesce(contracts.end_date, {{ period_end() }})) as window_to,
        contracts.tariff_code in (select norm_tariff_codes.tariff_code from norm_tariff_codes) as has_norm_tariff
    from contracts
    left join master_points
        on contracts.service_point_id = master_points.service_point_id
    where master_points.service_point_id is null
),

-- Contracts of tariffs without a norm: unbilled only when no meter is installed on any of their days.
unmetered_windows as (
    select
        windows.*,
        windows.window_from as unbilled_from,
        windows.window_to as unbilled_to,
        (windows.window_to - windows.window_from) + 1 as unbilled_days
    from windows
    left join meters
        on
            windows.service_point_id = meters.service_point_id
            and windows.window_to >= meters.installed_on
            and (meters.removed_on is null or windows.window_from <= meters.removed_on)
    where not windows.has_norm_tariff and meters.meter_id is null
),

-- Contracts of tariffs with a norm (few), day by day, by joins (a correlated lookup per day scans every
-- meter at 100,000 accounts): whether a meter measures the day (after its install day, through its
-- removal day, as in int_norm_usage) or the norm billed it.
norm_contract_days as (
    select
        windows.contract_id,
        windows.service_point_id,
        calendar_days.day_on::date as day_on
    from windows
    cross join
        lateral generate_series(windows.window_from, windows.window_to, interval '1 day') as calendar_days (day_on)
    where windows.has_norm_tariff
),

metered_days as (
    select distinct
        norm_contract_days.contract_id,
        norm_contract_days.day_on
    from norm_contract_days
    inner join meters
        on
            norm_contract_days.service_point_id = meters.service_point_id
            and norm_contract_days.day_on > meters.installed_on
            and (meters.removed_on is null or norm_contract_days.day_on <= meters.removed_on)
),

norm_billed_days as (
    select distinct
        norm_contract_days.contract_id,
        norm_contract_days.day_on
    from norm_contract_days
    inner join norm_usage
        on
            norm_contract_days.contract_id = norm_usage.contract_id
            and norm_contract_days.day_on between norm_usage.part_from and norm_usage.part_to
),

unbilled_norm_days as (
    select
        norm_contract_days.contract_id,
        norm_contract_days.day_on
    from norm_contract_days
    left join metered_days
        on
            norm_contract_days.contract_id = metered_days.contract_id
            and norm_contract_days.day_on = metered_days.day_on
    left join norm_billed_days
        on
            norm_contract_days.contract_id = norm_billed_days.contract_id
            and norm_contract_days.day_on = norm_billed_days.day_on
    where metered_days.contract_id is null and norm_billed_days.contract_id is null
),

norm_gap_spans as (
    select
        contract_id,
        min(day_on) as unbilled_from,
        max(day_on) as unbilled_to,
        count(*)::integer as unbilled_days
    from unbilled_norm_days
    group by contract_id
),

norm_gaps as (
    select
        windows.*,
        norm_gap_spans.unbilled_from,
        norm_gap_spans.unbilled_to,
        norm_gap_spans.unbilled_days
    from windows
    inner join norm_gap_spans
        on windows.contract_id = norm_gap_spans.contract_id
),

unbilled as (
    select * from unmetered_windows
    union all
    select * from norm_gaps
),

-- The version in force on the last unbilled day, and what its norm is per.
explained as (
    select distinct on (unbilled.contract_id)
        unbilled.*,
        tariffs.effective_from as tariff_effective_from,
        tariffs.norm_basis,
        case tariffs.norm_basis
            when 'resident' then service_points.residents
            when 'area' then service_points.floor_area_m2
        end as norm_quantity
    from unbilled
    left join tariffs
        on
            unbilled.tariff_code = tariffs.tariff_code
            and unbilled.unbilled_to >= tariffs.effective_from
    left join service_points
        on unbilled.service_point_id = service_points.service_point_id
    order by unbilled.contract_id asc, tariffs.effective_from desc nulls last
),

final as (
    select
        {{ period() }} as period,
        contract_id,
        account_id,
        service_point_id,
        tariff_code,
        tariff_effective_from,
        unbilled_from,
        unbilled_to,
        unbilled_days,
        format(
            'contract %s (account %s) on service point %s: %s day(s) from %s to %s not billed: %s',
            contract_id, account_id, service_point_id, unbilled_days, unbilled_from, unbilled_to,
            case
                when tariff_effective_from is null
                    then format('no version of tariff %s is in force', tariff_code)
                when norm_basis is null
                    then format(
                        'no meter is installed and tariff %s (version of %s) sets no norm', tariff_code,
                        tariff_effective_from
                    )
                when norm_quantity is null
                    then format(
                        'no meter is installed and tariff %s bills a norm per %s, but the service point has no %s'
                        || ' registered', tariff_code, norm_basis,
                        case norm_basis when 'resident' then 'residents' else 'floor area' end
                    )
                else format(
                    'no meter is installed on these days between two meters, and tariff %s''s norm bills only the'
                    || ' days before the first meter and after the last (D122)', tariff_code
                )
            end
        ) as reason
    from explained
    where {{ period_is_open() }}
)

select * from final
