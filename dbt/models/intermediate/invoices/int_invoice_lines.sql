{#-
    Every line of the period's invoices (billing-rules.md sections 4-5), with its invoice's status.
    One invoice per billing account (a consolidated parent carries its children's lines) holds:
    charge lines, true-up credits, lines carried forward from last period's unissued invoice
    (small bills and held bills: read from this model's own previous rows), and per service one
    levy and one VAT line over that service's rounded subtotal lines of this period.
-#}
{%- set line_columns -%}
    account_id, contract_id, service_point_id, service, tariff_code, tariff_effective_from,
    part_from, part_to, part_days, scale_factor, part_units, is_estimated, meter_ids, line_type,
    block_no, quantity, unit, unit_price, amount, currency, currency_decimals, vat_rate, levy_rate,
    adjusts_period
{%- endset %}

with

period_charge_lines as (
    select * from {{ ref('int_charge_lines') }}
    where period = {{ period() }}
),

rebilled_periods as (
    select distinct rebill_of_period
    from period_charge_lines
    where rebill_of_period is not null
),

closed_period_lines as (
    select * from {{ ref('int_charge_lines') }}
    where period in (select rebilled_periods.rebill_of_period from rebilled_periods)
),

charge_lines as (
    select
        *,
        null::text as adjusts_period
    from period_charge_lines
    where rebill_of_period is null
),

-- Rebill: a closed period charged again with a late-corrected read, against its frozen lines.
rebilled_lines as (
    select * from period_charge_lines
    where rebill_of_period is not null
),

rebilled_parts as (
    select distinct
        rebill_of_period,
        service_point_id,
        contract_id
    from rebilled_lines
),

frozen_lines as (
    select closed_period_lines.*
    from closed_period_lines
    inner join rebilled_parts
        on
            closed_period_lines.period = rebilled_parts.rebill_of_period
            and closed_period_lines.service_point_id = rebilled_parts.service_point_id
            and closed_period_lines.contract_id = rebilled_parts.contract_id
    where closed_period_lines.rebill_of_period is null
),

rebill_adjustment_lines as (
    select
        coalesce(rebilled.account_id, frozen.account_id) as account_id,
        coalesce(rebilled.contract_id, frozen.contract_id) as contract_id,
        coalesce(rebilled.service_point_id, frozen.service_point_id) as service_point_id,
        coalesce(rebilled.service, frozen.service) as service,
        coalesce(rebilled.tariff_code, frozen.tariff_code) as tariff_code,
        coalesce(rebilled.tariff_effective_from, frozen.tariff_effective_from) as tariff_effective_from,
        coalesce(rebilled.part_from, frozen.part_from) as part_from,
        coalesce(rebilled.part_to, frozen.part_to) as part_to,
        coalesce(rebilled.part_days, frozen.part_days) as part_days,
        coalesce(rebilled.scale_factor, frozen.scale_factor) as scale_factor,
        coalesce(rebilled.part_units, 0) - coalesce(frozen.part_units, 0) as part_units,
        false as is_estimated,
        coalesce(rebilled.meter_ids, frozen.meter_ids) as meter_ids,
        'rebill_adjustment' as line_type,
        coalesce(rebilled.block_no, frozen.block_no) as block_no,
        coalesce(rebilled.quantity, 0) - coalesce(frozen.quantity, 0) as quantity,
        coalesce(rebilled.unit, frozen.unit) as unit,
        coalesce(rebilled.unit_price, frozen.unit_price) as unit_price,
        coalesce(rebilled.amount, 0) - coalesce(frozen.amount, 0) as amount,
        coalesce(rebilled.currency, frozen.currency) as currency,
        coalesce(rebilled.currency_decimals, frozen.currency_decimals) as currency_decimals,
        coalesce(rebilled.vat_rate, frozen.vat_rate) as vat_rate,
        coalesce(rebilled.levy_rate, frozen.levy_rate) as levy_rate,
        coalesce(rebilled.rebill_of_period, frozen.period) as adjusts_period
    from rebilled_lines as rebilled
    full outer join frozen_lines as frozen
        on
            rebilled.rebill_of_period = frozen.period
            and rebilled.service_point_id = frozen.service_point_id
            and rebilled.contract_id = frozen.contract_id
            and rebilled.tariff_effective_from = frozen.tariff_effective_from
            and rebilled.line_type = frozen.line_type
            and coalesce(rebilled.block_no, 0) = coalesce(frozen.block_no, 0)
    where coalesce(rebilled.amount, 0) <> coalesce(frozen.amount, 0)
),

meter_periods as (
    select * from {{ ref('int_meter_periods') }}
    where period = {{ period() }} and credit_units < 0
),

common_area_shares as (
    select * from {{ ref('int_common_area_shares') }}
    where period = {{ period() }} and share_units > 0
),

-- Reference imports used more than once: NOT MATERIALIZED keeps their indexes usable (a materialised
-- CTE scan inside a nested loop made the true-up join take 28 s at 100,000 accounts; now under 1 s).
contracts as not materialized (
    select * from {{ ref('int_contracts_deduplicated') }}
),

accounts as not materialized (
    select * from {{ ref('int_accounts_deduplicated') }}
),

tariffs as not materialized (
    select * from {{ ref('dim_tariffs') }}
),

blocks as not materialized (
    select * from {{ ref('dim_tariff_blocks') }}
),

bill_decisions as (
    select * from {{ ref('stg_review__bill_decisions') }}
),

{% if is_incremental() %}
    carried_lines as (
        select * from {{ this }}
        where period = {{ previous_period(1) }} and invoice_status in ('carried_forward', 'held')
    ),

    -- The account's last 6 invoices, each by its own period's charges (carried lines count once, where
    -- they arose). Held bills count (the usage was real; leaving them out would hold every later bill
    -- against a stale baseline); small bills carried forward do not (they are not representative).
    recent_invoices as (
        select
            billing_account_id,
            sum(amount) as total_amount
        from {{ this }}
        where
            period between {{ previous_period(6) }} and {{ previous_period(1) }}
            and carried_from_period is null
            and invoice_status in ('issued', 'held')
        group by billing_account_id, period
    ),
{% else %}
    carried_lines as (
        select
            null::text as billing_account_id,
            null::text as account_id,
            null::text as contract_id,
            null::text as service_point_id,
            null::text as service,
            null::text as tariff_code,
            null::date as tariff_effective_from,
            null::date as part_from,
            null::date as part_to,
            null::integer as part_days,
            null::numeric as scale_factor,
            null::numeric as part_units,
            null::boolean as is_estimated,
            null::text as meter_ids,
            null::text as line_type,
            null::integer as block_no,
            null::numeric as quantity,
            null::text as unit,
            null::numeric as unit_price,
            null::numeric as amount,
            null::text as currency,
            null::integer as currency_decimals,
            null::numeric as vat_rate,
            null::numeric as levy_rate,
            null::text as adjusts_period,
            null::text as period,
            null::text as carried_from_period
        where false
    ),

    recent_invoices as (
        select
            null::text as billing_account_id,
            null::numeric as total_amount
        where false
    ),
{% endif %}

-- A negative true-up is credited at the first-block price of the tariff in force on the read day.
trueup_credit_lines as (
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
        tariffs.levy_rate,
        null::text as adjusts_period
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

-- A unit's share of its building's common-area usage, at the first-block price of its tariff in
-- force on the period's last day: its own line, part of the levy/VAT base.
common_area_lines as (
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
        tariffs.levy_rate,
        null::text as adjusts_period
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

own_lines as (
    select {{ line_columns }} from charge_lines
    union all
    select {{ line_columns }} from trueup_credit_lines
    union all
    select {{ line_columns }} from common_area_lines
    union all
    select {{ line_columns }} from rebill_adjustment_lines
),

billed_lines as (
    select
        coalesce(accounts.parent_account_id, own_lines.account_id) as billing_account_id,
        own_lines.*,
        null::text as carried_from_period
    from own_lines
    left join accounts
        on own_lines.account_id = accounts.account_id
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
        null::text as carried_from_period
    from tax_bases
    cross join
        lateral (
            values ('levy', tax_bases.levy_rate), ('vat', tax_bases.vat_rate)
        ) as tax (line_type, rate)
    where tax.rate > 0
),

forwarded_lines as (
    select
        billing_account_id,
        {{ line_columns }},
        coalesce(carried_from_period, period) as carried_from_period
    from carried_lines
),

invoice_lines as (
    select * from billed_lines
    union all
    select * from tax_lines
    union all
    select * from forwarded_lines
),

numbered as (
    select
        'INV-' || replace({{ period() }}, '-', '') || '-' || invoice_lines.billing_account_id as invoice_id,
        invoice_lines.*,
        row_number() over (
            partition by invoice_lines.billing_account_id
            order by
                coalesce(invoice_lines.carried_from_period, {{ period() }}),
                invoice_lines.service,
                case invoice_lines.line_type when 'levy' then 2 when 'vat' then 3 else 1 end,
                invoice_lines.service_point_id,
                invoice_lines.part_from,
                case invoice_lines.line_type
                    when 'energy' then 1 when 'basic' then 2 when 'fixed' then 3
                    when 'minimum_topup' then 4 when 'common_area' then 5 when 'trueup_credit' then 6
                    when 'rebill_adjustment' then 7 else 8
                end,
                invoice_lines.block_no
        ) as line_no
    from invoice_lines
),

invoice_totals as (
    select
        invoice_id,
        billing_account_id,
        sum(amount) as total_amount,
        sum(amount) filter (where carried_from_period is null) as period_amount,
        min(currency) as currency
    from numbered
    group by invoice_id, billing_account_id
),

recent_averages as (
    select
        billing_account_id,
        avg(total_amount) as average_amount
    from recent_invoices
    group by billing_account_id
),

latest_bill_decisions as (
    select distinct on (invoice_id)
        invoice_id,
        decision
    from bill_decisions
    order by invoice_id asc, decided_at desc, decision_id desc
),

reviewed as (
    select
        invoice_totals.*,
        case
            when invoice_totals.total_amount <= 0 then 'non_positive_total'
            when
                invoice_totals.period_amount
                > {{ policy('high_bill_factor') }} * recent_averages.average_amount
                then 'high_bill'
        end as review_reason,
        latest_bill_decisions.decision as bill_decision
    from invoice_totals
    left join recent_averages
        on invoice_totals.billing_account_id = recent_averages.billing_account_id
    left join latest_bill_decisions
        on invoice_totals.invoice_id = latest_bill_decisions.invoice_id
),

statuses as (
    select
        *,
        case
            when review_reason is not null and coalesce(bill_decision, 'hold') = 'hold' then 'held'
            when review_reason is null and total_amount < {{ small_bill_threshold('currency') }}
                then 'carried_forward'
            else 'issued'
        end as invoice_status
    from reviewed
),

final as (
    select
        {{ period() }} as period,
        numbered.invoice_id,
        numbered.line_no,
        numbered.billing_account_id,
        numbered.account_id,
        numbered.contract_id,
        numbered.service_point_id,
        numbered.service,
        numbered.tariff_code,
        numbered.tariff_effective_from,
        numbered.part_from,
        numbered.part_to,
        numbered.part_days,
        numbered.scale_factor,
        numbered.part_units,
        numbered.is_estimated,
        numbered.meter_ids,
        numbered.line_type,
        numbered.block_no,
        numbered.quantity,
        numbered.unit,
        numbered.unit_price,
        numbered.amount,
        numbered.currency,
        numbered.currency_decimals,
        numbered.vat_rate,
        numbered.levy_rate,
        numbered.adjusts_period,
        numbered.carried_from_period,
        statuses.total_amount as invoice_total_amount,
        statuses.invoice_status,
        statuses.review_reason
    from numbered
    inner join statuses
        on numbered.invoice_id = statuses.invoice_id
    where {{ period_is_open() }}
)

select * from final
