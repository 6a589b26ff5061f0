{#-
    Billed revenue and usage of issued invoices per month, service, customer class, district and tariff.
    Late charge lines are not sales of a service: they are in agg_receivables_monthly (D69).
-#}
{#- The grain below the period, and the amounts summed again at each level above the invoice. -#}
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
        lines.*,
        coalesce(accounts.customer_class, 'unknown') as customer_class,
        coalesce(accounts.district, 'unknown') as district
    from lines
    inner join invoices
        on lines.invoice_id = invoices.invoice_id
    left join accounts
        on coalesce(lines.contract_account_id, lines.account_id) = accounts.account_id
),

-- Three hash aggregations instead of two count(distinct): each sorted every line of the period on five
-- low-cardinality text keys (4-5 s at 100,000 accounts, issue 17). An invoice has one account (the
-- billing account), so an invoice's row per group counts it once, and an account's row counts it once.
invoice_sales as (
    select
        invoice_id,
        account_id,
        service,
        customer_class,
        district,
        coalesce(tariff_code, 'taxes') as tariff_code,
        currency,
        sum(amount) filter (where line_type not in ('levy', 'vat')) as revenue_amount,
        sum(amount) filter (where line_type in ('levy', 'vat')) as tax_amount,
        sum(amount) as billed_amount,
        sum(quantity) filter (where line_type in ('energy', 'trueup_credit', 'rebill_adjustment')) as usage_units,
        min(unit) filter (where line_type = 'energy') as unit
    from issued_lines
    group by invoice_id, account_id, service, customer_class, district, coalesce(tariff_code, 'taxes'), currency
),

account_sales as (
    select
        account_id,
        {{ grain }},
        {%- for measure in summed %}
            sum({{ measure }}) as {{ measure }},
        {%- endfor %}
        min(unit) as unit,
        count(*) as invoice_count
    from invoice_sales
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
        sum(invoice_count)::bigint as invoice_count
    from account_sales
    where {{ period_is_open() }}
    group by {{ grain }}
)

select * from final
