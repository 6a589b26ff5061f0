{#-
    Further charges of each tariff version (billing-rules.md section 9), with the rounding each line is
    priced with: the charge's own mode and unit, else its version's mode and the currency's minor unit.
-#}
with

charges as (
    select * from {{ ref('int_tariff_charges_deduplicated') }}
),

tariffs as (
    select * from {{ ref('int_tariffs_current') }}
),

final as (
    select
        charges.tariff_code,
        charges.effective_from,
        charges.charge_code,
        charges.description,
        charges.basis,
        charges.rate,
        charges.units_factor,
        charges.is_vat_base,
        coalesce(charges.rounding_mode, tariffs.rounding_mode) as rounding_mode,
        coalesce(charges.rounding_unit, power(10::numeric, -tariffs.currency_decimals)) as rounding_unit
    from charges
    inner join tariffs
        on
            charges.tariff_code = tariffs.tariff_code
            and charges.effective_from = tariffs.effective_from
)

select * from final
