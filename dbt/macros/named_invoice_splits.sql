{#-
    A payment naming several invoices pays each up to its open amount, oldest first (billing-rules.md
    section 6, D77). `credits` (payment_id, account_id, paid_on, currency, amount, funded_from): the
    run's cash; `names` (payment_id, name_order, account_id, invoice_id): the invoices each payment
    names, name_order 1 the oldest; `items` (invoice_id, amount): the open items. A bank credit naming
    two or more invoices becomes one piece per billing account: the open amounts of its invoices of
    that account as far as the payment reaches, the rest with the first account (its credit). Other
    credits pass unchanged. Grain: one row per payment and account.
-#}
{% macro named_invoice_splits(credits, names, items) -%}
    select
        payment_id,
        account_id,
        paid_on,
        currency,
        sum(amount) as amount,
        funded_from
    from (
        select
            payment_id,
            account_id,
            paid_on,
            currency,
            amount,
            funded_from
        from {{ credits }} as credits
        where
            credits.funded_from <> 'bank'
            or credits.account_id is null
            or credits.payment_id not in (
                select named.payment_id from {{ names }} as named
                group by named.payment_id
                having count(*) >= 2
            )
        union all
        select
            payment_id,
            account_id,
            paid_on,
            currency,
            piece + case when name_order = 1 then payment_amount - sum(piece) over (partition by payment_id) else 0 end
            as amount,
            funded_from
        from (
            select
                credits.payment_id,
                named.account_id,
                named.name_order,
                credits.paid_on,
                credits.currency,
                credits.funded_from,
                credits.amount as payment_amount,
                least(
                    coalesce(open_items.amount, 0),
                    greatest(
                        credits.amount - coalesce(sum(coalesce(open_items.amount, 0)) over (
                            partition by credits.payment_id order by named.name_order
                            rows between unbounded preceding and 1 preceding
                        ), 0),
                        0
                    )
                ) as piece
            from {{ credits }} as credits
            inner join {{ names }} as named
                on credits.payment_id = named.payment_id
            left join (
                select
                    invoice_id,
                    sum(amount) as amount
                from {{ items }}
                where not is_written_off
                group by invoice_id
            ) as open_items
                on named.invoice_id = open_items.invoice_id
            where
                credits.funded_from = 'bank'
                and credits.account_id is not null
                and credits.payment_id in (
                    select counted.payment_id from {{ names }} as counted
                    group by counted.payment_id
                    having count(*) >= 2
                )
        ) as pieces
    ) as split
    group by payment_id, account_id, paid_on, currency, funded_from
{%- endmacro %}
