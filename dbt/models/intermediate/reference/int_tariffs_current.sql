{#- Tariff versions with their validity and block summary, as billing prices with them (and dim_tariffs shows). -#}
with

versions as (
    select * from {{ ref('int_tariff_versions_deduplicated') }}
),

blocks as (
    select * from {{ ref('int_tariff_blocks_deduplicated') }}
),

charges as (
    select * from {{ ref('int_tariff_charges_deduplicated') }}
),

block_counts as (
    select
        tariff_code,
        effective_from,
        count(*) as block_count,
        bool_or(season <> 'all') as has_seasons,
        bool_or(basic_charge is not null) as has_basic_charges
    from blocks
    group by tariff_code, effective_from
),

charge_counts as (
    select
        tariff_code,
        effective_from,
        count(*) as charge_count,
        bool_or(basis = 'percent') as has_percent_charges
    from charges
    group by tariff_code, effective_from
),

final as (
    select
        versions.tariff_code,
        versions.effective_from,
        lead(versions.effective_from) over (
            partition by versions.tariff_code order by versions.effective_from
        ) as effective_to,
        versions.service,
        versions.fixed_charge,
        versions.minimum_charge,
        versions.vat_rate,
        versions.levy_rate,
        versions.currency,
        {{ currency_decimals('versions.currency') }} as currency_decimals,
        coalesce(block_counts.block_count, 0) as block_count,
        coalesce(block_counts.has_seasons, false) as has_seasons,
        coalesce(block_counts.has_basic_charges, false) as has_basic_charges,
        coalesce(versions.rounding_mode, 'half_up') as rounding_mode,
        versions.total_rounding_unit,
        coalesce(versions.block_basis, 'month') as block_basis,
        versions.persons_included,
        versions.norm_basis,
        versions.norm_units,
        coalesce(charge_counts.charge_count, 0) as charge_count,
        coalesce(charge_counts.has_percent_charges, false) as has_percent_charges
    from versions
    left join block_counts
        using (tariff_code, effective_from)
    left join charge_counts
        using (tariff_code, effective_from)
)

select * from final
