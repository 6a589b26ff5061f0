{#-
    Round money to the currency's minor unit: half-up (away from zero; PostgreSQL's numeric round), as
    every line is by default (billing-rules.md section 4). A tariff may say otherwise (section 9): `mode`
    is a SQL expression giving 'half_up' or 'down' (truncate toward zero), and `unit` one giving the
    amount to round to (e.g. 10 won); without a unit, the minor unit of `decimals`. Without a mode the
    expression is today's round(), so tariffs without these constructs pay nothing for them. A rounded
    amount always has the currency's scale (a unit such as 0.1 or 10 would otherwise leave the scale of the
    division, e.g. 61467.630000000000000000 in the ledger's control totals).
-#}
{% macro round_money(amount, decimals, mode=none, unit=none) -%}
    {%- if mode is none and unit is none -%}
        round(({{ amount }})::numeric, {{ decimals }})
    {%- elif unit is none -%}
        case
            when {{ mode }} = 'down' then trunc(({{ amount }})::numeric, {{ decimals }})
            else round(({{ amount }})::numeric, {{ decimals }})
        end
    {%- else -%}
        round(
            case
                when {{ mode }} = 'down' then trunc(({{ amount }})::numeric / ({{ unit }})) * ({{ unit }})
                else round(({{ amount }})::numeric / ({{ unit }})) * ({{ unit }})
            end,
            {{ decimals }}
        )
    {%- endif -%}
{%- endmacro %}
