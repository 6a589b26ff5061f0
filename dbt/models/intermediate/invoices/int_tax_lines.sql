{#-
    Levy and VAT (billing-rules.md section 5): per invoice and service, one levy and one VAT line
    over the sum of that service's rounded lines of this period (VAT is not charged on the levy;
    lines carried from an earlier invoice were taxed there). A rate of zero gives no line. VAT-exempt
    charges (vat: false, section 9) carry rates of 0 and so join neither base. VAT is half-up always.
-#}
with

billed_lines as (
    select * from {{ ref('int_billed_lines') }}
    where period = {{ period() }}
),

tax_bases as (
    select
        billing_account_id,
        service,
        vat_rate,
        levy_rate,
        currency,
        currency_decimals,
        sum(amount) as base_amount
    from billed_lines
    group by billing_account_id, service, vat_rate, levy_rate, currency, currency_decimals
),

tax_lines as (
    select
        tax_bases.billing_account_id,
        null::text as account_id,
        null::text as contract_id,
        null::text as service_point_id,
        tax_bases.service,
        null::text as tariff_code,
        null::date as tariff_effective_from,
        null::date as part_from,
        null::date as part_to,
        null::integer as part_days,
        null::numeric as scale_factor,
        null::numeric as part_units,
        false as is_estimated,
        null::text as meter_ids,
        tax.line_type,
        null::integer as block_no,
        tax_bases.base_amount as quantity,
        tax_bases.currency as unit,
        tax.rate as unit_price,
        {{ round_money('tax.rate * tax_bases.base_amount', 'tax_bases.currency_decimals') }} as amount,
        tax_bases.currency,
        tax_bases.currency_decimals,
        tax_bases.vat_rate,
        tax_bases.levy_rate,
        null::text as adjusts_period,
        null::text as charge_code,
        null::text as description
    from tax_bases
    cross join
        lateral (
            values ('levy', tax_bases.levy_rate), ('vat', tax_bases.vat_rate)
        ) as tax (line_type, rate)
    where tax.rate > 0
),

final as (
    select
        {{ period() }} as period,
        *
    from tax_lines
    where {{ period_is_open() }}
)

select * from final
