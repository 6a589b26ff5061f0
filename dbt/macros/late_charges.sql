{#-
    Late charges (billing-rules.md section 7): each earlier invoice's `charges` item (the `items`
    relation: invoice_id, component, account_id, due_date, currency, amount, is_written_off) still
    unpaid and not written off when its due date is before the run's bill date is charged the
    policy's late_fee_rate on its unpaid amount, rounded to the currency's minor unit; a charge that
    rounds to nothing is not made. The base leaves out the invoice's own late charges (its
    `late_charge` item), which bear none. One row per overdue invoice charged: invoice_id is that
    invoice, base_amount its unpaid charges; where the charge is billed is the caller's business.
-#}
{% macro late_charges(items) -%}
    select * from (
        select
            invoice_id,
            account_id,
            currency,
            amount as base_amount,
            {{ round_money(policy('late_fee_rate') ~ ' * amount', currency_decimals('currency')) }} as amount
        from {{ items }}
        where
            component = 'charges'
            and not is_written_off
            and amount > 0
            and due_date < {{ bill_date() }}
    ) as charges
    where amount > 0
{%- endmacro %}
