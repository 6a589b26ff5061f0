{#-
    What is left of open items (the `items` relation: invoice_id, component, account_id, due_date,
    currency, amount, is_written_off) after a FIFO pass (the `allocations` relation, from
    fifo_allocations): each item's amount less what the pass paid on it.
-#}
{% macro fifo_unpaid_items(items, allocations) -%}
    select
        items.invoice_id,
        items.component,
        items.account_id,
        items.due_date,
        items.currency,
        items.amount - coalesce(paid.amount, 0) as amount,
        items.is_written_off
    from {{ items }} as items
    left join (
        select
            invoice_id,
            component,
            sum(amount) as amount
        from {{ allocations }}
        group by invoice_id, component
    ) as paid
        on items.invoice_id = paid.invoice_id and items.component = paid.component
{%- endmacro %}
