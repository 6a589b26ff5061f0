{#-
    This per-period model's own rows of the `months` periods before the one being built (the state it
    carries forward); on its first run, before the table exists, an empty relation of its columns.
-#}
{% macro previous_periods_of_this(months=1) -%}
    {%- if is_incremental() -%}
        select * from {{ this }}
        where period between {{ previous_period(months) }} and {{ previous_period(1) }}
    {%- else -%}
        {{ empty_like_columns() }}
    {%- endif -%}
{%- endmacro %}
