{#- Round money half-up (away from zero) to the currency's minor unit. -#}
{% macro round_money(amount, decimals) -%}
    round(({{ amount }})::numeric, {{ decimals }})
{%- endmacro %}
