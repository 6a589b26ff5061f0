{#- Every amount of the column is rounded to its currency's minor unit (the `currencies` seed). -#}
{% test rounded_to_minor_unit(model, column_name, currency_column='currency') %}
    select tested.*
    from {{ model }} as tested
    left join {{ ref('currencies') }} as currencies on tested.{{ currency_column }} = currencies.currency_code
    where currencies.currency_code is null
        or tested.{{ column_name }} <> round(tested.{{ column_name }}, currencies.minor_unit)
{% endtest %}
