{#- Inclining-block prices of each tariff version, as billing prices with them (and dim_tariff_blocks shows). -#}
with

blocks as (
    select * from {{ ref('int_tariff_blocks_deduplicated') }}
),

final as (
    select
        tariff_code,
        effective_from,
        season,
        block_no,
        from_units,
        to_units,
        unit_price,
        basic_charge,
        bound_per_extra_person
    from blocks
)

select * from final
