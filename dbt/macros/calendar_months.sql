{#-
    The calendar months a date range touches, as a relation of (month_start, month_end, month_days),
    for `cross join lateral`: billing-rules.md section 4 prorates each day by its own month.
-#}
{% macro calendar_months(from_date, to_date) -%}
    (
        select
            month_start::date as month_start,
            (month_start + interval '1 month' - interval '1 day')::date as month_end,
            extract(day from month_start + interval '1 month' - interval '1 day')::integer as month_days
        from generate_series(
            date_trunc('month', {{ from_date }}), date_trunc('month', {{ to_date }}), interval '1 month'
        ) as months (month_start)
    )
{%- endmacro %}
