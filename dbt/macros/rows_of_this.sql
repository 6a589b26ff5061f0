{#-
    This per-period model's own earlier rows that `condition` picks (e.g. the rows of the periods a
    state column names), or, on its first run before the table exists, an empty relation of its
    columns. For state that points at a known earlier period rather than at the last few.
-#}
{% macro rows_of_this(condition) -%}
    {%- if is_incremental() -%}
        select * from {{ this }}
        where {{ condition }}
    {%- else -%}
        {{ empty_like_columns() }}
    {%- endif -%}
{%- endmacro %}
