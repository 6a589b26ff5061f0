{#-
    Every amount of the column is rounded to its currency's minor unit (the `currencies` seed). The
    tested model is a CTE: a where-filtered model is a subquery that cannot take an alias.
-#}
{% test rounded_to_minor_unit(model, column_name, currency_column='currency') %}
    with

    tested as (
        select * from {{ model }}
    ),

    currencies as (
        select * from {{ ref('currencies') }}
    )

    select tested.*
    from tested
    left join currencies on tested.{{ currency_column }} = currencies.currency_code
    where currencies.currency_code is null
        or tested.{{ column_name }} <> round(tested.{{ column_name }}, currencies.minor_unit)
{% endtest %}
