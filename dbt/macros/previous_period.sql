{% macro previous_period(months=1) -%}
    to_char({{ period_start() }} - interval '{{ months }} month', 'YYYY-MM')
{%- endmacro %}
