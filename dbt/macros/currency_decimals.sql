{#-
    A currency's minor-unit decimals (ISO 4217), from the `currencies` seed (KRW has none, BHD three).
    The seed is not aliased: `dbt build --empty` renders a ref as an aliased subquery.
-#}
{% macro currency_decimals(currency) -%}
    (select minor_unit from {{ ref('currencies') }} where currency_code = {{ currency }})
{%- endmacro %}
