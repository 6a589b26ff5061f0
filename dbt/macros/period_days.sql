{% macro period_days() -%}
    extract(day from {{ period_end() }})::integer
{%- endmacro %}
