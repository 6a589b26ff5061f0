{#-
    An empty relation with the columns and data types the calling model's YAML declares: the
    `{{ this }}` of a per-period model on its first run, before the table exists. Every column of
    the model must have a `data_type` in its YAML (a compile error names the one without).
-#}
{% macro empty_like_columns() -%}
    {%- set columns = model.columns.values() | list -%}
    {%- if execute and not columns -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": declare its columns with data_type in YAML to build its first-run stub") }}
    {%- endif -%}
    select
    {%- for column in columns %}
        {%- if execute and not column.data_type -%}
            {{ exceptions.raise_compiler_error(model.name ~ "." ~ column.name ~ " has no data_type in YAML") }}
        {%- endif %}
        null::{{ column.data_type }} as {{ column.name }}{{ "," if not loop.last }}
    {%- endfor %}
    where false
{%- endmacro %}
