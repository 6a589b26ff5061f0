{#- Round money half-up (away from zero) to the currency's minor unit. -#}
{% macro round_money(amount, decimals) -%}
    round(({{ amount }})::numeric, {{ decimals }})
{%- endmacro %}

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

{#- The summer/winter season of a period's month (policy summer_months); default: the run's period. -#}
{% macro period_season(period_expression=none) -%}
    {%- set month = "extract(month from " ~ (period_start() if period_expression is none
        else "to_date(" ~ period_expression ~ ", 'YYYY-MM')") ~ ")" -%}
    case when {{ month }} in ({{ (policy('summer_months') or [0]) | join(', ') }})
        then 'summer' else 'winter' end
{%- endmacro %}

{#- A currency's minor-unit decimals (KRW, JPY, HUF have none). -#}
{% macro currency_decimals(currency) -%}
    case when {{ currency }} in ('KRW', 'JPY', 'HUF') then 0 else 2 end
{%- endmacro %}
