{#-
    Billed revenue and usage of issued invoices per month, service, customer class, district and tariff.
    Late charge lines are not sales of a service: they are in agg_receivables_monthly (D69).
-#}
{#- The grain below the period, and the amounts summed again above the account. -#}
{%- set grain = 'service, customer_class, district, tariff_code, currency' %}
{%- set summed = ['revenue_amount', 'tax_amount', 'billed_amount', 'usage_units'] %}

with

lines as (
    select * from {{ ref('fct_invoice_lines') }}
    where period = {{ period() }} and line_type <> 'late_charge'
),

invoices as (
    select * from {{ ref('fct_invoices') }}
    where period = {{ period() }} and status = 'issued'
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

issued_lines as (
    select
        lines.account_id,
        lines.service,
        lines.currency,
        lines.line_type,
        lines.amount,
        lines.quantity,
        lines.unit,
        coalesce(lines.tariff_code, 'taxes') as tariff_code,
        coalesce(accounts.customer_class, 'unknown') as customer_class,
        coalesce(accounts.district, 'unknown') as district
    from lines
    inner join invoices
        on lines.invoice_id = invoices.invoice_id
    left join accounts
        on coalesce(lines.contract_account_id, lines.account_id) = accounts.account_id
),

-- Two hash aggregations instead of two count(distinct), which sorted every line of the period on five
-- low-cardinality text keys (4-5 s at 100,000 accounts, issue 17). A period has one invoice per billing
-- account (int_invoices' grain), so an account's row per group is also its invoice's: it counts both once.
account_sales as (
    select
        account_id,
        {{ grain }},
        sum(amount) filter (where line_type not in ('levy', 'vat')) as revenue_amount,
        sum(amount) filter (where line_type in ('levy', 'vat')) as tax_amount,
        sum(amount) as billed_amount,
        sum(quantity) filter (where line_type in ('energy', 'trueup_credit', 'rebill_adjustment')) as usage_units,
        min(unit) filter (where line_type = 'energy') as unit
    from issued_lines
    group by account_id, {{ grain }}
),

final as (
    select
        {{ period() }} as period,
        {{ grain }},
        {%- for measure in summed %}
            sum({{ measure }}) as {{ measure }},
        {%- endfor %}
        min(unit) as unit,
        count(*) as account_count,
        count(*) as invoice_count
    from account_sales
    where {{ period_is_open() }}
    group by {{ grain }}
)

select * from final
