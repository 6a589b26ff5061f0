{#-
    An empty relation with the columns and data types the calling model's YAML declares: the
    `{{ this }}` of a per-period model on its first run, before the table exists. Every column of
    the model must have a `data_type` in its YAML (a compile error names the one without). In a unit
    test the node has no columns: the tested model's own table (built by `dbt build --empty`) has them.
-#}
{% macro empty_like_columns() -%}
    {%- if model.resource_type == 'unit_test' -%}
        {%- set tested = adapter.get_relation(
            database=model.database, schema=model.schema, identifier=model.tested_node_unique_id.split('.')[-1]
        ) if execute else none -%}
        {%- set columns = adapter.get_columns_in_relation(tested) if tested else [] -%}
    {%- else -%}
        {%- set columns = model.columns.values() | list -%}
    {%- endif -%}
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
