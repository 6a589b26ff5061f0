{#- Each invoice's total is the sum of its rounded lines. -#}
{% test invoice_total_equals_lines(model, lines) %}
    select invoices.invoice_id, invoices.total_amount, sum(lines.amount) as lines_amount
    from {{ model }} as invoices
    inner join {{ lines }} as lines
        on invoices.period = lines.period and invoices.invoice_id = lines.invoice_id
    group by invoices.invoice_id, invoices.total_amount
    having invoices.total_amount <> sum(lines.amount)
{% endtest %}
