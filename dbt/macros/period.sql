{#- The billing period a run computes (var `period`, 'YYYY-MM') and dates derived from it. -#}
{% macro period() -%}
    {%- set value = var('period') -%}
    {%- if value is none and execute -%}
        {{ exceptions.raise_compiler_error("This model needs --vars '{period: YYYY-MM}' (Dagster passes the partition).") }}
    {%- endif -%}
    '{{ value }}'
{%- endmacro %}
