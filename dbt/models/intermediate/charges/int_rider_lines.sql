{#-
    Further charges of each billed part (billing-rules.md section 9): a line per part and charge of
    basis `units` (rate x the part's units x units_factor: riders such as a climate or fuel-cost
    charge per kWh, a sewage fee per m3 of water) or `month` (rate per month scaled by the part's
    factor, like the fixed charge: a wastewater standing charge). Each line is rounded as its charge
    says (mode and unit, else its version's mode and the currency's minor unit). A charge with
    vat: false carries VAT and levy rates of 0, so it stays out of both bases (int_tax_lines).
    Only parts of versions that have such charges are read: other tariffs pay one hash join on a
    small table.
-#}
with

charges as (
    select * from {{ ref('int_tariff_charges_current') }}
    where basis in ('units', 'month')
),

parts as (
    select * from {{ ref('int_usage_parts') }}
    where
        period = {{ period() }} and contract_id is not null
        and (tariff_code, tariff_effective_from) in (select
            charges.tariff_code,
            charges.effective_from
        from charges)
),

tariffs as (
    select * from {{ ref('int_tariffs_current') }}
),

part_charges as (
    select
        parts.*,
        charges.charge_code,
        charges.description,
        charges.basis,
        charges.rate,
        charges.rounding_mode,
        charges.rounding_unit,
        case when charges.basis = 'units' then parts.units * charges.units_factor else parts.scale_factor end
            as charged_quantity,
        tariffs.currency,
        tariffs.currency_decimals,
        case when charges.is_vat_base then tariffs.vat_rate else 0 end as vat_rate,
        case when charges.is_vat_base then tariffs.levy_rate else 0 end as levy_rate
    from parts
    inner join charges
        on
            parts.tariff_code = charges.tariff_code
            and parts.tariff_effective_from = charges.effective_from
    inner join tariffs
        on
            parts.tariff_code = tariffs.tariff_code
            and parts.tariff_effective_from = tariffs.effective_from
),

final as (
    select
        {{ period() }} as period,
        account_id,
        contract_id,
        service_point_id,
        service,
        tariff_code,
        tariff_effective_from,
        part_from,
        part_to,
        part_days,
        scale_factor,
        units as part_units,
        is_estimated,
        meter_ids,
        'charge' as line_type,
        null::integer as block_no,
        round(charged_quantity, 3) as quantity,
        case when basis = 'units' then unit else 'month' end as unit,
        rate as unit_price,
        {{ round_money('rate * charged_quantity', 'currency_decimals', 'rounding_mode', 'rounding_unit') }} as amount,
        currency,
        currency_decimals,
        vat_rate,
        levy_rate,
        charge_code,
        description
    from part_charges
    where {{ period_is_open() }}
)

select * from final
