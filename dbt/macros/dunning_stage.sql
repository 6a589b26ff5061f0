{#-
    The dunning stage of an account whose oldest overdue item is `days` past due: the policy's
    dunning_days name the stages and their thresholds; the stage reached is the one with the highest
    threshold at or below `days` ('none' below them all).
-#}
{% macro dunning_stage(days) -%}
    {%- set thresholds = policy('dunning_days') -%}
    case
    {%- for stage in thresholds | dictsort(by='value', reverse=true) %}
        when {{ days }} >= {{ stage[1] }} then '{{ stage[0] }}'
    {%- endfor %}
        else 'none'
    end
{%- endmacro %}
