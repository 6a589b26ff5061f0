{#-
    True when the period being built is the first of a fiscal year: its month is the policy's
    fiscal_year_start (month number 1-12, default 1 = calendar years).
-#}
{% macro fiscal_year_starts() -%}
    (extract(month from {{ period_start() }}) = {{ policy('fiscal_year_start') or 1 }})
{%- endmacro %}
