{% macro period_end() -%}
    ({{ period_start() }} + interval '1 month' - interval '1 day')::date
{%- endmacro %}
