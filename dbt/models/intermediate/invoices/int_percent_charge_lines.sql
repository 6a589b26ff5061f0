{#-
    Percent charges (billing-rules.md section 9, basis `percent`): rate x the invoice's VAT base of that
    service and tariff version (its billed lines that join the VAT base, before VAT: not the charges with
    vat: false), one line per invoice, service, charge and rate, like the levy: a fund whose rate
    changed in the period gets one line per rate, versions with the same rate share one. Rounded as the
    charge says (e.g. down to 10 won). A percent charge never joins the VAT base itself (rates 0).
    Only lines of versions with percent charges are read.
-#}
with

percent_charges as (
    select * from {{ ref('int_tariff_charges_current') }}
    where basis = 'percent'
),

exempt_charges as (
    select * from {{ ref('int_tariff_charges_current') }}
    where not is_vat_base
),

billed_lines as (
    select * from {{ ref('int_billed_lines') }}
    where
        period = {{ period() }}
        and (tariff_code, tariff_effective_from) in (
            select
                percent_charges.tariff_code,
                percent_charges.effective_from
            from percent_charges
        )
),

version_bases as (
    select
        billed_lines.billing_account_id,
        billed_lines.service,
        billed_lines.tariff_code,
        billed_lines.tariff_effective_from,
        billed_lines.currency,
        billed_lines.currency_decimals,
        sum(billed_lines.amount) as base_amount
    from billed_lines
    left join exempt_charges
        on
            billed_lines.tariff_code = exempt_charges.tariff_code
            and billed_lines.tariff_effective_from = exempt_charges.effective_from
            and billed_lines.charge_code = exempt_charges.charge_code
    where exempt_charges.charge_code is null
    group by
        billed_lines.billing_account_id, billed_lines.service, billed_lines.tariff_code,
        billed_lines.tariff_effective_from, billed_lines.currency, billed_lines.currency_decimals
),

charge_bases as (
    select
        version_bases.billing_account_id,
        version_bases.service,
        percent_charges.charge_code,
        percent_charges.rate,
        percent_charges.rounding_mode,
        percent_charges.rounding_unit,
        version_bases.currency,
        version_bases.currency_decimals,
        min(percent_charges.description) as description,
        min(version_bases.tariff_code) as tariff_code,
        case
            when count(distinct version_bases.tariff_effective_from) = 1
                then min(version_bases.tariff_effective_from)
        end as tariff_effective_from,
        sum(version_bases.base_amount) as base_amount
    from version_bases
    inner join percent_charges
        on
            version_bases.tariff_code = percent_charges.tariff_code
            and version_bases.tariff_effective_from = percent_charges.effective_from
    group by
        version_bases.billing_account_id, version_bases.service, percent_charges.charge_code,
        percent_charges.rate, percent_charges.rounding_mode, percent_charges.rounding_unit,
        version_bases.currency, version_bases.currency_decimals
),

final as (
    select
        {{ period() }} as period,
        billing_account_id,
        null::text as account_id,
        null::text as contract_id,
        null::text as service_point_id,
        service,
        tariff_code,
        tariff_effective_from,
        null::date as part_from,
        null::date as part_to,
        null::integer as part_days,
        null::numeric as scale_factor,
        null::numeric as part_units,
        false as is_estimated,
        null::text as meter_ids,
        'percent_charge' as line_type,
        null::integer as block_no,
        base_amount as quantity,
        currency as unit,
        rate as unit_price,
        {{ round_money('rate * base_amount', 'currency_decimals', 'rounding_mode', 'rounding_unit') }} as amount,
        currency,
        currency_decimals,
        0::numeric as vat_rate,
        0::numeric as levy_rate,
        null::text as adjusts_period,
        charge_code,
        description
    from charge_bases
    where {{ period_is_open() }}
)

select * from final
