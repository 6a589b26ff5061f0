{#- The summer/winter season of a period's month (policy summer_months); default: the run's period. -#}
{% macro period_season(period_expression=none) -%}
    {%- set month = "extract(month from " ~ (period_start() if period_expression is none
        else "to_date(" ~ period_expression ~ ", 'YYYY-MM')") ~ ")" -%}
    case when {{ month }} in ({{ (policy('summer_months') or [0]) | join(', ') }})
        then 'summer' else 'winter' end
{%- endmacro %}
