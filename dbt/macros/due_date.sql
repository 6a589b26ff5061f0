{% macro due_date() -%}
    ({{ bill_date() }} + {{ policy('due_days') }} * interval '1 day')::date
{%- endmacro %}
