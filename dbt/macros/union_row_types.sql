{#-
    Rows of several row_types through one column list. `columns` is that list ((name, data type)
    pairs, in order); `row_types` maps each row_type to the columns it fills, which its relation
    `<row_type>_rows` has. One select per row_type: `row_type`, then every column of the list, the
    relation's own where the row_type fills it, else null of the column's type.
-#}
{% macro union_row_types(row_types, columns) -%}
    {%- set names = columns | map('first') | list -%}
    {%- for row_type, filled in row_types.items() %}
        {%- for name in filled if name not in names %}
            {{ exceptions.raise_compiler_error("union_row_types: " ~ row_type ~ " fills " ~ name ~ ", not in the column list") }}
        {%- endfor %}
    select
        '{{ row_type }}' as row_type
        {%- for name, data_type in columns %},
        {{ name if name in filled else 'null::' ~ data_type ~ ' as ' ~ name }}
        {%- endfor %}
    from {{ row_type }}_rows
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
