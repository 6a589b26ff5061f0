{#-
    The columns every invoice line has before numbering (charge, true-up, common-area, rebill, levy
    and VAT lines), in order; `relation` prefixes them, `without` leaves some out.
-#}
{% macro invoice_line_columns(relation=none, without=[]) -%}
    {%- set columns = [
        'account_id', 'contract_id', 'service_point_id', 'service', 'tariff_code', 'tariff_effective_from',
        'part_from', 'part_to', 'part_days', 'scale_factor', 'part_units', 'is_estimated', 'meter_ids',
        'line_type', 'block_no', 'quantity', 'unit', 'unit_price', 'amount', 'currency', 'currency_decimals',
        'vat_rate', 'levy_rate', 'adjusts_period'
    ] | reject('in', without) | list -%}
    {%- for column in columns -%}
        {{ relation ~ '.' if relation }}{{ column }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
