{#-
    An instant as the utility's local time with its UTC offset, e.g. 2023-10-29 02:30+01:00: the way a
    reason names a read, so the two 02:30s of the night the clocks go back are told apart (D59).
-#}
{% macro local_time_text(instant) -%}
    {%- set tz = policy('timezone') -%}
    {%- set utc_offset -%}
        (({{ instant }} at time zone '{{ tz }}') - ({{ instant }} at time zone 'UTC'))
    {%- endset -%}
    (
        to_char({{ instant }} at time zone '{{ tz }}', 'YYYY-MM-DD HH24:MI')
        || case
            when {{ utc_offset }} < interval '0' then '-' || to_char(-{{ utc_offset }}, 'HH24:MI')
            else '+' || to_char({{ utc_offset }}, 'HH24:MI')
        end
    )
{%- endmacro %}
