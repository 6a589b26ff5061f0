{#-
    Late charges (billing-rules.md section 7): each invoice's `charges` item (the `items` relation:
    invoice_id, component, account_id, due_date, currency, amount, is_written_off) still unpaid and
    not written off when its due date is before the run's bill date is charged the policy's
    late_fee_rate on its unpaid amount, rounded to the currency's minor unit; a charge that rounds to
    nothing is not made, and late charges bear none. One row per charge: an item of component
    `late_charge` of the same invoice.
-#}
{% macro late_charges(items) -%}
    select * from (
        select
            invoice_id,
            'late_charge' as component,
            account_id,
            due_date,
            currency,
            {{ round_money(policy('late_fee_rate') ~ ' * amount', currency_decimals('currency')) }} as amount,
            false as is_written_off
        from {{ items }}
        where
            component = 'charges'
            and not is_written_off
            and amount > 0
            and due_date < {{ bill_date() }}
    ) as charges
    where amount > 0
{%- endmacro %}
