{#-
    Charge lines of each billed part of the period (billing-rules.md section 4): energy per block,
    basic, fixed and minimum top-up, priced by macros/priced_charge_lines.sql.
-#}
with

parts as (
    select * from {{ ref('int_usage_parts') }}
    where period = {{ period() }} and contract_id is not null
),

tariffs as (
    select * from {{ ref('int_tariffs_current') }}
),

blocks as (
    select * from {{ ref('int_tariff_blocks_current') }}
),

charge_lines as (
    {{ priced_charge_lines('parts', 'tariffs', 'blocks') }}
),

final as (
    select
        {{ period() }} as period,
        *
    from charge_lines
    where {{ period_is_open() }}
)

select * from final
