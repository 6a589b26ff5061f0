{#-
    A closed period's late-corrected parts (int_rebill_parts) priced again as that period would have
    been charged with the corrected units: the same rules as int_charge_lines (macros/priced_charge_lines.sql).
-#}
with

parts as (
    select * from {{ ref('int_rebill_parts') }}
    where period = {{ period() }}
),

tariffs as (
    select * from {{ ref('int_tariffs_current') }}
),

blocks as (
    select * from {{ ref('int_tariff_blocks_current') }}
),

charge_lines as (
    {{ priced_charge_lines('parts', 'tariffs', 'blocks', part_key_columns=['corrected_period']) }}
),

final as (
    select
        {{ period() }} as period,
        *
    from charge_lines
    where {{ period_is_open() }}
)

select * from final
