{#-
    The local day an interval read's consumption belongs to (D61): a read stamps the END of its
    interval, so its day is the utility's local date of the instant minus a tick. A read at 00:00 (or
    24:00 of the day before) closes the previous day's last interval, and on the 1st the previous
    month's.
-#}
{% macro interval_ending_day(instant) -%}
    (({{ instant }} - interval '1 microsecond') at time zone '{{ policy("timezone") }}')::date
{%- endmacro %}
