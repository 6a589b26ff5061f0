{#-
    Charge lines of billed parts (billing-rules.md section 4): one energy line per block used, the
    basic charge of the block that contains the part's units, the fixed charge, and a minimum-charge
    top-up. Block bounds and the fixed, basic and minimum charges are scaled by part_days /
    days_in_month, after a household's extra residents raised them (macro household_bound, section 9);
    every line is rounded to the currency's minor unit, half-up or down as the version's
    rounding_mode says (section 9).
    `parts` has the columns of int_usage_parts (contract_id not null); `tariffs` and `blocks` those of
    int_tariffs_current and int_tariff_blocks_current. A part is one service point, contract and
    tariff version and month (part_from), plus `part_key_columns` (carried onto the lines: a rebill's corrected period).
    `cumulative` names a column of `parts`: the year's units before the part on an annual-tier version
    (null otherwise); its blocks then price the slice between that and it plus the part's units, with
    bounds not scaled by days (section 9). Without it, the SQL is the monthly pricing alone.
-#}
{% macro priced_charge_lines(parts, tariffs, blocks, part_key_columns=[], cumulative=none) -%}
    {%- set part_key = ['service_point_id', 'contract_id', 'tariff_effective_from', 'part_from'] + part_key_columns -%}
    {%- set part_columns -%}
        service_point_id, contract_id, account_id, tariff_code, tariff_effective_from, service, unit,
        part_from, part_to, part_days, units, is_estimated, meter_ids, scale_factor,
        {%- for column in part_key_columns %} {{ column }},{% endfor %}
        minimum_charge, currency, currency_decimals, vat_rate, levy_rate
    {%- endset -%}
    {%- set bound_scale = 'case when priced_parts.' ~ cumulative ~ ' is null then priced_parts.scale_factor else 1 end'
        if cumulative else 'priced_parts.scale_factor' -%}
    {#- A block's units of the units up to Q: min(max(Q - from, 0), to - from). -#}
    {%- set units_up_to -%}
        least(
                greatest(Q - part_blocks.scaled_from, 0),
                coalesce(part_blocks.scaled_to - part_blocks.scaled_from, greatest(Q - part_blocks.scaled_from, 0))
            )
    {%- endset -%}
    {%- set before = 'coalesce(part_blocks.' ~ cumulative ~ ', 0)' if cumulative else none -%}
    with

    priced_parts as (
        select
            {{ parts }}.*,
            {{ tariffs }}.fixed_charge,
            {{ tariffs }}.minimum_charge,
            {{ tariffs }}.currency,
            {{ tariffs }}.currency_decimals,
            {{ tariffs }}.vat_rate,
            {{ tariffs }}.levy_rate,
            {{ tariffs }}.rounding_mode,
            {{ tariffs }}.persons_included
        from {{ parts }}
        inner join {{ tariffs }}
            on
                {{ parts }}.tariff_code = {{ tariffs }}.tariff_code
                and {{ parts }}.tariff_effective_from = {{ tariffs }}.effective_from
    ),

    part_blocks as (
        select
            priced_parts.*,
            {{ blocks }}.block_no,
            {{ blocks }}.unit_price,
            {{ blocks }}.basic_charge,
            {{ household_bound(blocks ~ '.from_units', blocks ~ '.bound_per_extra_person') }}
            * {{ bound_scale }} as scaled_from,
            {{ household_bound(blocks ~ '.to_units', blocks ~ '.bound_per_extra_person') }}
            * {{ bound_scale }} as scaled_to
        from priced_parts
        inner join {{ blocks }}
            on
                priced_parts.tariff_code = {{ blocks }}.tariff_code
                and priced_parts.tariff_effective_from = {{ blocks }}.effective_from
                and {{ blocks }}.season in ('all', priced_parts.season)
    ),

    block_units as (
        select
            part_blocks.*,
            {% if cumulative -%}
            {{ units_up_to.replace('Q', before ~ ' + part_blocks.units') }}
            - {{ units_up_to.replace('Q', before) }} as units_in_block
            {%- else -%}
            {{ units_up_to.replace('Q', 'part_blocks.units') }} as units_in_block
            {%- endif %}
        from part_blocks
    ),

    energy_lines as (
        select
            *,
            'energy' as line_type,
            units_in_block as quantity,
            unit_price as line_unit_price,
            {{ round_money('units_in_block * unit_price', 'currency_decimals', 'rounding_mode') }} as amount
        from block_units
        where units_in_block > 0
    ),

    -- The basic charge of the last block whose scaled lower bound is below q (block 1 when q = 0).
    basic_lines as (
        select distinct on ({{ part_key | join(', ') }})
            *,
            'basic' as line_type,
            scale_factor as quantity,
            basic_charge as line_unit_price,
            {{ round_money('basic_charge * scale_factor', 'currency_decimals', 'rounding_mode') }} as amount
        from part_blocks
        order by
            {%- for column in part_key %}
            {{ column }} asc,
            {%- endfor %}
            case when scaled_from < units then block_no else 0 end desc,
            block_no asc
    ),

    fixed_lines as (
        select
            *,
            null::integer as block_no,
            'fixed' as line_type,
            scale_factor as quantity,
            fixed_charge as line_unit_price,
            {{ round_money('fixed_charge * scale_factor', 'currency_decimals', 'rounding_mode') }} as amount
        from priced_parts
        where fixed_charge > 0
    ),

    subtotal_lines as (
        select
            {{ part_columns }},
            line_type,
            block_no,
            quantity,
            line_unit_price,
            amount
        from energy_lines
        union all
        select
            {{ part_columns }},
            line_type,
            null::integer as block_no,
            quantity,
            line_unit_price,
            amount
        from basic_lines
        where basic_charge is not null
        union all
        select
            {{ part_columns }},
            line_type,
            block_no,
            quantity,
            line_unit_price,
            amount
        from fixed_lines
    ),

    line_subtotals as (
        select
            {{ part_key | join(', ') }},
            sum(amount) as subtotal
        from subtotal_lines
        group by {{ part_key | join(', ') }}
    ),

    topup_lines as (
        select
            {{ part_columns }},
            'minimum_topup' as line_type,
            null::integer as block_no,
            1::numeric as quantity,
            scaled_minimum - subtotal as line_unit_price,
            scaled_minimum - subtotal as amount
        from (
            select
                priced_parts.*,
                coalesce(line_subtotals.subtotal, 0) as subtotal,
                {{ round_money(
                    'priced_parts.minimum_charge * priced_parts.scale_factor', 'priced_parts.currency_decimals',
                    'priced_parts.rounding_mode'
                ) }} as scaled_minimum
            from priced_parts
            left join line_subtotals
                on
                {%- for column in part_key %}
                    {{ "and " if not loop.first }}priced_parts.{{ column }} = line_subtotals.{{ column }}
                {%- endfor %}
        ) as part_subtotals
        where subtotal < scaled_minimum
    ),

    all_lines as (
        select * from subtotal_lines
        union all
        select * from topup_lines
    )

    select
        account_id,
        contract_id,
        service_point_id,
        service,
        tariff_code,
        tariff_effective_from,
        part_from,
        part_to,
        part_days,
        scale_factor,
        units as part_units,
        is_estimated,
        meter_ids,
        line_type,
        block_no,
        round(quantity, 3) as quantity,
        case when line_type = 'energy' then unit else 'month' end as unit,
        line_unit_price as unit_price,
        amount,
        currency,
        currency_decimals,
        vat_rate,
        levy_rate
        {%- for column in part_key_columns %},
        {{ column }}
        {%- endfor %}
    from all_lines
{%- endmacro %}
