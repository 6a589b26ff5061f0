{#- A contract is active in the period when it started by the period's last day and had not ended before its first. -#}
{% macro contract_active_in_period(start_date, end_date) -%}
    ({{ start_date }} <= {{ period_end() }} and ({{ end_date }} is null or {{ end_date }} >= {{ period_start() }}))
{%- endmacro %}
