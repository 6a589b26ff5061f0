{#-
    The trial balance's opening balances after the fiscal-year close (D118): in the first period of a
    fiscal year the income statement accounts (chart account_type revenue or expense) open at zero and
    their balances, debit positive, are added to retained earnings (policy gl_accounts
    retained_earnings), per currency. In any other period the balances pass unchanged.
    `opening` is a relation of (account_code, currency, amount); `chart` one of gl_accounts().
    Returns (account_code, currency, amount), one row per account and currency.
-#}
{% macro fiscal_year_close(opening, chart) -%}
    select
        account_code,
        currency,
        sum(amount) as amount
    from (
        select
            {{ opening }}.account_code,
            {{ opening }}.currency,
            case
                when {{ fiscal_year_starts() }} and {{ chart }}.account_type in ('revenue', 'expense') then 0
                else {{ opening }}.amount
            end as amount
        from {{ opening }}
        left join {{ chart }}
            on {{ opening }}.account_code = {{ chart }}.account_code
        union all
        select
            '{{ (policy('gl_accounts') or {}).get('retained_earnings', '3000') }}' as account_code,
            {{ opening }}.currency,
            {{ opening }}.amount
        from {{ opening }}
        inner join {{ chart }}
            on {{ opening }}.account_code = {{ chart }}.account_code
        where {{ fiscal_year_starts() }} and {{ chart }}.account_type in ('revenue', 'expense')
    ) as closed_balances
    group by account_code, currency
{%- endmacro %}
