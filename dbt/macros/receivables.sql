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

{#- The aging bucket of an item `days` past due (billing-rules.md section 7). -#}
{% macro aging_bucket(days) -%}
    case
        when {{ days }} <= 0 then 'current'
        when {{ days }} <= 30 then '1-30'
        when {{ days }} <= 60 then '31-60'
        when {{ days }} <= 90 then '61-90'
        when {{ days }} <= 180 then '91-180'
        when {{ days }} <= 365 then '181-365'
        else '365+'
    end
{%- endmacro %}

{#- The dunning stage of an account whose oldest overdue item is `days` past due (policy dunning_days). -#}
{% macro dunning_stage(days) -%}
    case
        when {{ days }} >= {{ policy('dunning_days.write_off_candidate') }} then 'write_off_candidate'
        when {{ days }} >= {{ policy('dunning_days.disconnection') }} then 'disconnection'
        when {{ days }} >= {{ policy('dunning_days.disconnection_notice') }} then 'disconnection_notice'
        when {{ days }} >= {{ policy('dunning_days.warning') }} then 'warning'
        when {{ days }} >= {{ policy('dunning_days.reminder') }} then 'reminder'
        else 'none'
    end
{%- endmacro %}

{#- The chart of accounts from the policy's gl_accounts: (account_key, account_code, account_name). -#}
{% macro gl_accounts() -%}
    {%- set names = {
        'bank': 'Bank', 'accounts_receivable': 'Accounts receivable', 'vat_payable': 'VAT payable',
        'levy_payable': 'Levy payable', 'customer_credits': 'Customer credits',
        'late_charge_income': 'Late charge income', 'recoveries': 'Recoveries',
        'bad_debt_expense': 'Bad debt expense'} -%}
    {%- set rows = [] -%}
    {%- for key, code in (policy('gl_accounts') or {}).items() -%}
        {%- if code is mapping -%}
            {%- for service, service_code in code.items() -%}
                {%- do rows.append("('" ~ key ~ "." ~ service ~ "', '" ~ service_code ~ "', 'Revenue " ~ service ~ "')") -%}
            {%- endfor -%}
        {%- else -%}
            {%- do rows.append("('" ~ key ~ "', '" ~ code ~ "', '" ~ names.get(key, key) ~ "')") -%}
        {%- endif -%}
    {%- endfor -%}
    select * from (values {{ rows | join(', ') }}) as chart (account_key, account_code, account_name)
{%- endmacro %}

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

{% macro create_ar_aging_function(movements) -%}
    create or replace function {{ movements.schema }}.ar_aging_as_of(as_of date)
    returns table (account_id text, aging_bucket text, currency text, open_amount numeric, item_count bigint)
    language sql stable as $fn$
    {{ ar_aging_as_of('as_of', movements) }}
    $fn$
{%- endmacro %}
