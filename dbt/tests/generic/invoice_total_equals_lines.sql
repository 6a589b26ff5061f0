{#- Each invoice's total is the sum of its rounded lines. -#}
{% test invoice_total_equals_lines(model, lines) %}
    with invoices as (
        select * from {{ model }}
    )

    select invoices.invoice_id, invoices.total_amount, sum(invoice_lines.amount) as lines_amount
    from invoices
    inner join {{ lines }} as invoice_lines
        on invoices.period = invoice_lines.period and invoices.invoice_id = invoice_lines.invoice_id
    group by invoices.invoice_id, invoices.total_amount
    having invoices.total_amount <> sum(invoice_lines.amount)
{% endtest %}
