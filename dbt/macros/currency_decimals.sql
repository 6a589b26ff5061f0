{#- A currency's minor-unit decimals (KRW, JPY, HUF have none). -#}
{% macro currency_decimals(currency) -%}
    case when {{ currency }} in ('KRW', 'JPY', 'HUF') then 0 else 2 end
{%- endmacro %}
