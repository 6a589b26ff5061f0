{#- A date's period as 'YYYY-MM'. -#}
{% macro period_of(date_expression) -%}
    to_char({{ date_expression }}, 'YYYY-MM')
{%- endmacro %}
