{#-
    Aging as of any date (billing-rules.md section 7) from fct_ar_movements: each item's balance from
    its movements up to that date, bucketed by days past due. Also installed as the SQL function
    marts.ar_aging_as_of(date) (see fct_ar_movements).
-#}
{% macro ar_aging_as_of(as_of_date, movements) -%}
    select
        items.account_id,
        {{ aging_bucket('(' ~ as_of_date ~ ') - items.due_date') }} as aging_bucket,
        items.currency,
        sum(items.balance) as open_amount,
        count(*) as item_count
    from (
        select
            account_id,
            invoice_id,
            component,
            currency,
            due_date,
            sum(ar_amount) as balance
        from {{ movements }}
        where moved_on <= ({{ as_of_date }})
        group by account_id, invoice_id, component, currency, due_date
        having sum(ar_amount) > 0
    ) as items
    group by 1, 2, 3
{%- endmacro %}
