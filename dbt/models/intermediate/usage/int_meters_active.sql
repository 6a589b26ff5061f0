{#-
    Meters installed on some day of the period, with what usage, estimation and pricing need of them:
    their service point's service, the days of the period they were active, and whether a contract
    covers them (only then is a missing read estimated) with that contract's customer class.
-#}
with

meters as (
    select * from {{ ref('int_meters_deduplicated') }}
),

service_points as (
    select * from {{ ref('int_service_points_deduplicated') }}
),

contracts as (
    select * from {{ ref('int_contracts_deduplicated') }}
),

accounts as (
    select * from {{ ref('int_accounts_deduplicated') }}
),

installed as (
    select
        meters.meter_id,
        meters.service_point_id,
        meters.installed_on,
        meters.removed_on,
        meters.multiplier,
        meters.register_digits,
        meters.unit,
        meters.register_map,
        service_points.service,
        greatest(meters.installed_on, {{ period_start() }}) as active_from,
        least(coalesce(meters.removed_on, {{ period_end() }}), {{ period_end() }}) as active_to
    from meters
    inner join service_points
        on meters.service_point_id = service_points.service_point_id
    where
        meters.installed_on <= {{ period_end() }}
        and (meters.removed_on is null or meters.removed_on >= {{ period_start() }})
),

-- The customer class of the contract in force on the period's last active day (estimation default).
contract_classes as (
    select distinct on (installed.meter_id)
        installed.meter_id,
        accounts.customer_class
    from installed
    inner join contracts
        on
            installed.service_point_id = contracts.service_point_id
            and installed.active_to >= contracts.start_date
            and (contracts.end_date is null or installed.active_from <= contracts.end_date)
    inner join accounts
        on contracts.account_id = accounts.account_id
    order by installed.meter_id asc, contracts.start_date desc
),

final as (
    select
        {{ period() }} as period,
        installed.meter_id,
        installed.service_point_id,
        installed.service,
        installed.unit,
        installed.multiplier,
        installed.register_digits,
        installed.register_map,
        installed.installed_on,
        installed.removed_on,
        installed.active_from,
        installed.active_to,
        coalesce(contract_classes.customer_class, 'residential') as customer_class,
        contract_classes.meter_id is not null as has_contract
    from installed
    left join contract_classes
        on installed.meter_id = contract_classes.meter_id
    where {{ period_is_open() }}
)

select * from final
