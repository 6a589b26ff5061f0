{#-
    True-up credits (billing-rules.md section 4): a meter whose actual read comes in below the
    estimates billed before it gets its negative true-up credited at the first-block price of the
    tariff version in force on the read day.
-#}
with

meter_periods as (
    select * from {{ ref('int_meter_periods') }}
    where period = {{ period() }} and credit_units < 0
),

-- Reference imports: NOT MATERIALIZED keeps their indexes usable (a materialised CTE scan inside a
-- nested loop made the true-up join take 28 s at 100,000 accounts; now under 1 s).
contracts as not materialized (
    select * from {{ ref('int_contracts_deduplicated') }}
),

tariffs as not materialized (
    select * from {{ ref('int_tariffs_current') }}
),

blocks as not materialized (
    select * from {{ ref('int_tariff_blocks_current') }}
),

credit_lines as (
    select distinct on (meter_periods.meter_id)
        contracts.account_id,
        contracts.contract_id,
        meter_periods.service_point_id,
        meter_periods.service,
        tariffs.tariff_code,
        tariffs.effective_from as tariff_effective_from,
        meter_periods.interval_from as part_from,
        meter_periods.interval_to as part_to,
        meter_periods.interval_days as part_days,
        meter_periods.interval_days::numeric / {{ period_days() }} as scale_factor,
        meter_periods.credit_units as part_units,
        false as is_estimated,
        meter_periods.meter_id as meter_ids,
        'trueup_credit' as line_type,
        null::integer as block_no,
        round(meter_periods.credit_units, 3) as quantity,
        meter_periods.unit,
        blocks.unit_price,
        {{ round_money('meter_periods.credit_units * blocks.unit_price', 'tariffs.currency_decimals') }} as amount,
        tariffs.currency,
        tariffs.currency_decimals,
        tariffs.vat_rate,
        tariffs.levy_rate
    from meter_periods
    inner join contracts
        on
            meter_periods.service_point_id = contracts.service_point_id
            and meter_periods.interval_to >= contracts.start_date
            and (contracts.end_date is null or meter_periods.interval_to <= contracts.end_date)
    inner join tariffs
        on
            contracts.tariff_code = tariffs.tariff_code
            and meter_periods.interval_to >= tariffs.effective_from
            and (tariffs.effective_to is null or meter_periods.interval_to < tariffs.effective_to)
    inner join blocks
        on
            tariffs.tariff_code = blocks.tariff_code
            and tariffs.effective_from = blocks.effective_from
            and blocks.season in ('all', {{ period_season() }})
    order by meter_periods.meter_id, blocks.block_no
),

final as (
    select
        {{ period() }} as period,
        *
    from credit_lines
    where {{ period_is_open() }}
)

select * from final
