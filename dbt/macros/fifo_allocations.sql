{#-
    First-in-first-out allocation (billing-rules.md section 6) as interval overlap: per account and
    currency, cash (the `pool` relation: payment_id, account_id, currency, paid_on, amount) is laid
    end to end in payment order, open items (the `items` relation: invoice_id, component,
    account_id, currency, due_date, amount) in due order, late charges before the rest of the same
    invoice; each payment pays the stretch of items its stretch of cash covers.
-#}
{% macro fifo_allocations(pool, items) -%}
    select
        cash.payment_id,
        cash.funded_from,
        open_items.invoice_id,
        open_items.component,
        open_items.account_id,
        open_items.due_date,
        open_items.currency,
        open_items.is_written_off,
        least(cash.cash_to, open_items.item_to)
        - greatest(cash.cash_to - cash.amount, open_items.item_to - open_items.amount) as amount
    from (
        select
            *,
            sum(amount) over (
                partition by account_id, currency order by paid_on, payment_id rows unbounded preceding
            ) as cash_to
        from {{ pool }}
        where account_id is not null and amount > 0
    ) as cash
    inner join (
        select
            *,
            sum(amount) over (
                partition by account_id, currency
                order by due_date, invoice_id, case component when 'late_charge' then 1 else 2 end
                rows unbounded preceding
            ) as item_to
        from {{ items }}
        where amount > 0
    ) as open_items
        on
            cash.account_id = open_items.account_id
            and cash.currency = open_items.currency
            and cash.cash_to - cash.amount < open_items.item_to
            and open_items.item_to - open_items.amount < cash.cash_to
{%- endmacro %}
