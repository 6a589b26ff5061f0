{#- A currency's minor-unit decimals (ISO 4217), from the `currencies` seed (KRW and HUF have none). -#}
{% macro currency_decimals(currency) -%}
    (select currencies.minor_unit from {{ ref('currencies') }} as currencies where currencies.currency_code = {{ currency }})
{%- endmacro %}
