{% macro period_start() -%}
    date '{{ var("period") or "1970-01" }}-01'
{%- endmacro %}
