{#-
    What is left of each payment's cash (the `pool` relation: payment_id, account_id, paid_on,
    currency, amount; one row per payment and account) after a FIFO pass (the `allocations` relation, from fifo_allocations): its
    amount less what the pass allocated, now credit the customer holds (funded_from customer_credits).
-#}
{% macro fifo_unused_cash(pool, allocations) -%}
    select
        pool.payment_id,
        pool.account_id,
        pool.paid_on,
        pool.currency,
        pool.amount - coalesce(used.amount, 0) as amount,
        'customer_credits' as funded_from
    from {{ pool }} as pool
    left join (
        select
            payment_id,
            account_id,
            sum(amount) as amount
        from {{ allocations }}
        group by payment_id, account_id
    ) as used
        on pool.payment_id = used.payment_id and pool.account_id is not distinct from used.account_id
{%- endmacro %}
