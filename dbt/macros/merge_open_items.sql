{#-
    Open items from several relations (each with invoice_id, component, account_id, due_date,
    currency, amount, is_written_off) as one item per invoice and component: the parts' amounts add
    up, and the item is written off if any part is.
-#}
{% macro merge_open_items(relations) -%}
    select
        invoice_id,
        component,
        max(account_id) as account_id,
        max(due_date) as due_date,
        max(currency) as currency,
        sum(amount) as amount,
        bool_or(is_written_off) as is_written_off
    from (
        {%- for relation in relations %}
        select
            invoice_id,
            component,
            account_id,
            due_date,
            currency,
            amount,
            is_written_off
        from {{ relation }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as parts
    group by invoice_id, component
{%- endmacro %}
