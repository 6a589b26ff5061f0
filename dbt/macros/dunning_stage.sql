{#- The dunning stage of an account whose oldest overdue item is `days` past due (policy dunning_days). -#}
{% macro dunning_stage(days) -%}
    case
        when {{ days }} >= {{ policy('dunning_days.write_off_candidate') }} then 'write_off_candidate'
        when {{ days }} >= {{ policy('dunning_days.disconnection') }} then 'disconnection'
        when {{ days }} >= {{ policy('dunning_days.disconnection_notice') }} then 'disconnection_notice'
        when {{ days }} >= {{ policy('dunning_days.warning') }} then 'warning'
        when {{ days }} >= {{ policy('dunning_days.reminder') }} then 'reminder'
        else 'none'
    end
{%- endmacro %}
