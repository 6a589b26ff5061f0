{#-
    The trace of norm-based usage (billing-rules.md section 9, D95, D114): for each part billed by
    norm on an unmetered service point, the norm (units per resident or m² and month), the residents or
    floor area it was multiplied by, the tariff version that set it, the days and the units billed.
    Read only from the period's norm parts, so a closed period's rows stay as they were billed.
-#}
with

norm_parts as (
    select * from {{ ref('int_norm_usage') }}
    where period = {{ period() }}
),

final as (
    select
        {{ period() }} as period,
        account_id,
        contract_id,
        service_point_id,
        service,
        tariff_code,
        tariff_effective_from as norm_version,
        norm_basis,
        norm_quantity::numeric as norm_quantity,
        norm_units::numeric as norm_units,
        part_from,
        part_to,
        part_days::integer as part_days,
        units::numeric as units,
        unit
    from norm_parts
    where {{ period_is_open() }}
)

select * from final
