{#- The column is > 0 wherever it is set. -#}
{% test positive_value(model, column_name) %}
    select *
    from {{ model }}
    where {{ column_name }} <= 0
{% endtest %}
