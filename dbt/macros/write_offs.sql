{#-
    Write-offs (billing-rules.md section 7): an approved write-off (the `approvals` relation:
    decision_id, account_id) moves every open item of its account (the `items` relation: invoice_id,
    component, account_id, due_date, currency, amount, is_written_off) that is unpaid, not yet written
    off and due before the run's bill date to bad debt. One row per item written off, with the
    item's columns and the decision_id.
-#}
{% macro write_offs(items, approvals) -%}
    select
        items.*,
        approvals.decision_id
    from {{ items }} as items
    inner join {{ approvals }} as approvals
        on items.account_id = approvals.account_id
    where
        not items.is_written_off
        and items.amount > 0
        and items.due_date < {{ bill_date() }}
{%- endmacro %}
