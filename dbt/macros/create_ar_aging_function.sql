{% macro create_ar_aging_function(movements) -%}
    create or replace function {{ movements.schema }}.ar_aging_as_of(as_of date)
    returns table (account_id text, aging_bucket text, currency text, open_amount numeric, item_count bigint)
    language sql stable as $fn$
    {{ ar_aging_as_of('as_of', movements) }}
    $fn$
{%- endmacro %}
