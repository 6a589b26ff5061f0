{#- The aging bucket of an item `days` past due (billing-rules.md section 7). -#}
{% macro aging_bucket(days) -%}
    case
        when {{ days }} <= 0 then 'current'
        when {{ days }} <= 30 then '1-30'
        when {{ days }} <= 60 then '31-60'
        when {{ days }} <= 90 then '61-90'
        when {{ days }} <= 180 then '91-180'
        when {{ days }} <= 365 then '181-365'
        else '365+'
    end
{%- endmacro %}
