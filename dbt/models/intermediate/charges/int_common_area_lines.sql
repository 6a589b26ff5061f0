{#-
    Common-area lines (billing-rules.md section 4): a unit's share of its building's common-area
    usage, at the first-block price of its tariff version in force on the period's last day; its own
    line, part of the levy and VAT base.
-#}
with

common_area_shares as (
    select * from {{ ref('int_common_area_shares') }}
    where period = {{ period() }} and share_units > 0
),

contracts as not materialized (
    select * from {{ ref('int_contracts_deduplicated') }}
),

tariffs as not materialized (
    select * from {{ ref('int_tariffs_current') }}
),

blocks as not materialized (
    select * from {{ ref('int_tariff_blocks_current') }}
),

share_lines as (
    select distinct on (common_area_shares.service_point_id)
        contracts.account_id,
        contracts.contract_id,
        common_area_shares.service_point_id,
        tariffs.service,
        tariffs.tariff_code,
        tariffs.effective_from as tariff_effective_from,
        {{ period_start() }} as part_from,
        {{ period_end() }} as part_to,
        {{ period_days() }} as part_days,
        1::numeric as scale_factor,
        common_area_shares.share_units as part_units,
        false as is_estimated,
        common_area_shares.master_service_point_id as meter_ids,
        'common_area' as line_type,
        null::integer as block_no,
        round(common_area_shares.share_units, 3) as quantity,
        'common' as unit,
        blocks.unit_price,
        {{ round_money('common_area_shares.share_units * blocks.unit_price', 'tariffs.currency_decimals') }}
            as amount,
        tariffs.currency,
        tariffs.currency_decimals,
        tariffs.vat_rate,
        tariffs.levy_rate
    from common_area_shares
    inner join contracts
        on
            common_area_shares.service_point_id = contracts.service_point_id
            and contracts.start_date <= {{ period_end() }}
            and (contracts.end_date is null or contracts.end_date >= {{ period_end() }})
    inner join tariffs
        on
            contracts.tariff_code = tariffs.tariff_code
            and tariffs.effective_from <= {{ period_end() }}
            and (tariffs.effective_to is null or tariffs.effective_to > {{ period_end() }})
    inner join blocks
        on
            tariffs.tariff_code = blocks.tariff_code
            and tariffs.effective_from = blocks.effective_from
            and blocks.season in ('all', {{ period_season() }})
    order by common_area_shares.service_point_id, blocks.block_no
),

final as (
    select
        {{ period() }} as period,
        *
    from share_lines
    where {{ period_is_open() }}
)

select * from final
