{#-
    Rebill adjustments (billing-rules.md section 5): a closed period charged again with a late-corrected
    read (int_rebill_charge_lines) against its frozen lines (int_charge_lines of that period). Each
    line whose amount changed becomes a rebill_adjustment line of this period's invoice carrying the
    difference, with adjusts_period naming the closed period.
-#}
with

rebilled_lines as (
    select * from {{ ref('int_rebill_charge_lines') }}
    where period = {{ period() }}
),

rebilled_parts as (
    select distinct
        corrected_period,
        service_point_id,
        contract_id
    from rebilled_lines
),

closed_period_lines as (
    select * from {{ ref('int_charge_lines') }}
    where period in (select rebilled_parts.corrected_period from rebilled_parts)
),

frozen_lines as (
    select closed_period_lines.*
    from closed_period_lines
    inner join rebilled_parts
        on
            closed_period_lines.period = rebilled_parts.corrected_period
            and closed_period_lines.service_point_id = rebilled_parts.service_point_id
            and closed_period_lines.contract_id = rebilled_parts.contract_id
),

adjustment_lines as (
    select
        coalesce(rebilled.account_id, frozen.account_id) as account_id,
        coalesce(rebilled.contract_id, frozen.contract_id) as contract_id,
        coalesce(rebilled.service_point_id, frozen.service_point_id) as service_point_id,
        coalesce(rebilled.service, frozen.service) as service,
        coalesce(rebilled.tariff_code, frozen.tariff_code) as tariff_code,
        coalesce(rebilled.tariff_effective_from, frozen.tariff_effective_from) as tariff_effective_from,
        coalesce(rebilled.part_from, frozen.part_from) as part_from,
        coalesce(rebilled.part_to, frozen.part_to) as part_to,
        coalesce(rebilled.part_days, frozen.part_days) as part_days,
        coalesce(rebilled.scale_factor, frozen.scale_factor) as scale_factor,
        coalesce(rebilled.part_units, 0) - coalesce(frozen.part_units, 0) as part_units,
        false as is_estimated,
        coalesce(rebilled.meter_ids, frozen.meter_ids) as meter_ids,
        'rebill_adjustment' as line_type,
        coalesce(rebilled.block_no, frozen.block_no) as block_no,
        coalesce(rebilled.quantity, 0) - coalesce(frozen.quantity, 0) as quantity,
        coalesce(rebilled.unit, frozen.unit) as unit,
        coalesce(rebilled.unit_price, frozen.unit_price) as unit_price,
        coalesce(rebilled.amount, 0) - coalesce(frozen.amount, 0) as amount,
        coalesce(rebilled.currency, frozen.currency) as currency,
        coalesce(rebilled.currency_decimals, frozen.currency_decimals) as currency_decimals,
        coalesce(rebilled.vat_rate, frozen.vat_rate) as vat_rate,
        coalesce(rebilled.levy_rate, frozen.levy_rate) as levy_rate,
        coalesce(rebilled.corrected_period, frozen.period) as adjusts_period
    from rebilled_lines as rebilled
    full outer join frozen_lines as frozen
        on
            rebilled.corrected_period = frozen.period
            and rebilled.service_point_id = frozen.service_point_id
            and rebilled.contract_id = frozen.contract_id
            and rebilled.tariff_effective_from = frozen.tariff_effective_from
            and rebilled.part_from = frozen.part_from
            and rebilled.line_type = frozen.line_type
            and coalesce(rebilled.block_no, 0) = coalesce(frozen.block_no, 0)
    where coalesce(rebilled.amount, 0) <> coalesce(frozen.amount, 0)
),

final as (
    select
        {{ period() }} as period,
        *
    from adjustment_lines
    where {{ period_is_open() }}
)

select * from final
