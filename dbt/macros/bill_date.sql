{#- The run's bill date (policy bill_day of the month after the period) and the due date it sets. -#}
{% macro bill_date() -%}
    ({{ period_start() }} + interval '1 month' + ({{ policy('bill_day') }} - 1) * interval '1 day')::date
{%- endmacro %}
