{#-
    The minutes a local day of the utility's time zone lasts: 1440, or 1380 / 1500 on the days the
    clocks go forward / back (an hour's change). 15-minute data then has 96, 92 or 100 intervals.
-#}
{% macro local_day_minutes(day) -%}
    (
        extract(
            epoch from (
                ({{ day }} + 1)::timestamp at time zone '{{ policy("timezone") }}'
            ) - ({{ day }}::timestamp at time zone '{{ policy("timezone") }}')
        ) / 60
    )::integer
{%- endmacro %}
