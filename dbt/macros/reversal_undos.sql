{#-
    What reversals undo (billing-rules.md section 6). A reversal (the `reversals` relation:
    payment_id, reversed_payment_id, currency, amount) takes back, up to its amount, first the credit
    the reversed payment still holds (the `credits` relation: payment_id, account_id, currency,
    amount), then what the payment paid in earlier runs (the `history` relation: its allocation and
    reversal rows, netted per item), newest first: later period, later due date, then invoice and
    component; whatever is left of the reversal is negative unapplied cash. One row per piece
    (piece_order 0: the credit, 1: an item, 2: the rest, with the reversal's own payment_id) with
    undone_amount, 0 for the pieces the reversal's amount does not reach.
-#}
{% macro reversal_undos(reversals, credits, history) -%}
    select
        *,
        least(
            piece_amount,
            greatest(
                reversal_amount - coalesce(sum(piece_amount) over (
                    partition by reversal_id
                    order by piece_order asc, last_period desc, due_date desc, invoice_id desc, component desc
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as undone_amount
    from (
        select
            reversals.payment_id as reversal_id,
            reversals.amount as reversal_amount,
            0 as piece_order,
            null::text as last_period,
            credits.payment_id,
            credits.account_id,
            null::text as invoice_id,
            null::text as component,
            null::date as due_date,
            credits.currency,
            credits.amount as piece_amount,
            'customer_credits' as applied_to
        from {{ reversals }} as reversals
        inner join {{ credits }} as credits
            on reversals.reversed_payment_id = credits.payment_id
        where credits.amount > 0
        union all
        select
            reversals.payment_id as reversal_id,
            reversals.amount as reversal_amount,
            1 as piece_order,
            max(history.period) as last_period,
            history.payment_id,
            history.account_id,
            history.invoice_id,
            history.component,
            history.due_date,
            history.currency,
            sum(history.amount) as piece_amount,
            history.applied_to
        from {{ reversals }} as reversals
        inner join {{ history }} as history
            on reversals.reversed_payment_id = history.payment_id
        group by
            reversals.payment_id, reversals.amount, history.payment_id, history.account_id, history.invoice_id,
            history.component, history.due_date, history.currency, history.applied_to
        having sum(history.amount) > 0
        union all
        select
            payment_id as reversal_id,
            amount as reversal_amount,
            2 as piece_order,
            null::text as last_period,
            payment_id,
            null::text as account_id,
            null::text as invoice_id,
            null::text as component,
            null::date as due_date,
            currency,
            amount as piece_amount,
            'customer_credits' as applied_to
        from {{ reversals }}
    ) as pieces
{%- endmacro %}
