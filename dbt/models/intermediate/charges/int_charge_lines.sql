{#-
    Charge lines of each billed part of the period (billing-rules.md section 4): energy per block,
    basic, fixed and minimum top-up, priced by macros/priced_charge_lines.sql; annual-tier parts on
    the year's cumulative units (int_annual_tier_usage).
-#}
with

usage_parts as (
    select * from {{ ref('int_usage_parts') }}
    where period = {{ period() }} and contract_id is not null
),

annual_tier_usage as (
    select * from {{ ref('int_annual_tier_usage') }}
    where period = {{ period() }}
),

-- Parts of annual-tier versions carry the year's cumulative units before them (section 9).
parts as (
    select
        usage_parts.*,
        annual_tier_usage.cumulative_before
    from usage_parts
    left join annual_tier_usage
        on
            usage_parts.service_point_id = annual_tier_usage.service_point_id
            and usage_parts.contract_id = annual_tier_usage.contract_id
            and usage_parts.tariff_effective_from = annual_tier_usage.tariff_effective_from
            and usage_parts.part_from = annual_tier_usage.part_from
),

tariffs as (
    select * from {{ ref('int_tariffs_current') }}
),

blocks as (
    select * from {{ ref('int_tariff_blocks_current') }}
),

charge_lines as (
    {{ priced_charge_lines('parts', 'tariffs', 'blocks', cumulative='cumulative_before') }}
),

final as (
    select
        {{ period() }} as period,
        *
    from charge_lines
    where {{ period_is_open() }}
)

select * from final
