{#-
    Generic test: each row_type fills exactly the columns its documentation lists (`row_types`, the
    model's meta.row_types): those under `not_null` are never null on its rows, and the columns only
    other row_types fill are null on them.
-#}
{% test row_type_columns(model, row_types) %}
    {%- set filled = [] -%}
    {%- for spec in row_types.values() -%}
        {%- do filled.extend(spec.get('not_null', []) + spec.get('nullable', [])) -%}
    {%- endfor %}
    select *
    from {{ model }}
    where
    {%- for row_type, spec in row_types.items() %}
        {%- set own = spec.get('not_null', []) + spec.get('nullable', []) %}
        (
            row_type = '{{ row_type }}' and not (
                {%- for column in spec.get('not_null', []) %}
                {{ column }} is not null and
                {%- endfor %}
                {%- for column in filled | unique if column not in own %}
                {{ column }} is null and
                {%- endfor %}
                true
            )
        ) or
    {%- endfor %}
        false
{% endtest %}
