{#-
    Billing models are incremental by period (delete+insert on `period`, full_refresh: false).
    `period_is_open()` guards their final select: for a closed period the select is empty, so
    delete+insert deletes and inserts nothing and the frozen rows stay as they were.
-#}
{% macro period_is_open() -%}
    {{ period() }} not in (select period from {{ ref('stg_billing__closed_periods') }})
{%- endmacro %}
