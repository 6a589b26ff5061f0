{#- The policy's small-bill threshold for a currency column: its own entry, else `default`. -#}
{% macro small_bill_threshold(currency) -%}
    {%- set thresholds = policy('small_bill_threshold') or {'default': 0} -%}
    case {{ currency }}
    {%- for code, value in thresholds.items() if code != 'default' %}
        when '{{ code }}' then {{ value }}
    {%- endfor %}
        else {{ thresholds['default'] }}
    end
{%- endmacro %}
