{#-
    A closed period's late-corrected parts (int_rebill_parts) priced again as that period would have
    been charged with the corrected units: the same rules as int_charge_lines (macros/priced_charge_lines.sql).
    A part of an annual-tier version is priced on the slice from the year's cumulative units before it,
    as they were when the corrected period was billed (int_annual_tier_usage's frozen row of that
    period), to that plus the corrected units (section 9, D120). A part with no such row (a monthly
    version, or a period billed before the state existed) is priced on monthly bounds, as it was.
-#}
with

rebill_parts as (
    select * from {{ ref('int_rebill_parts') }}
    where period = {{ period() }}
),

annual_tier_usage as (
    select * from {{ ref('int_annual_tier_usage') }}
    where period in (select rebill_parts.corrected_period from rebill_parts)
),

-- The cumulative before each part as it was in the corrected period, not as it is now.
parts as (
    select
        rebill_parts.*,
        annual_tier_usage.cumulative_before
    from rebill_parts
    left join annual_tier_usage
        on
            rebill_parts.corrected_period = annual_tier_usage.period
            and rebill_parts.service_point_id = annual_tier_usage.service_point_id
            and rebill_parts.contract_id = annual_tier_usage.contract_id
            and rebill_parts.tariff_effective_from = annual_tier_usage.tariff_effective_from
            and rebill_parts.part_from = annual_tier_usage.part_from
),

tariffs as (
    select * from {{ ref('int_tariffs_current') }}
),

blocks as (
    select * from {{ ref('int_tariff_blocks_current') }}
),

charge_lines as (
    {{ priced_charge_lines(
        'parts', 'tariffs', 'blocks', part_key_columns=['corrected_period'], cumulative='cumulative_before'
    ) }}
),

final as (
    select
        {{ period() }} as period,
        *
    from charge_lines
    where {{ period_is_open() }}
)

select * from final
