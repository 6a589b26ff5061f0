{#-
    Billed revenue and usage of issued invoices per month, service, customer class, district and tariff.
    Late charge lines are not sales of a service: they are in agg_receivables_monthly (D69).
-#}
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

final as (
    select
        {{ period() }} as period,
        service,
        customer_class,
        district,
        coalesce(tariff_code, 'taxes') as tariff_code,
        currency,
        sum(amount) filter (where line_type not in ('levy', 'vat')) as revenue_amount,
        sum(amount) filter (where line_type in ('levy', 'vat')) as tax_amount,
        sum(amount) as billed_amount,
        sum(quantity) filter (where line_type in ('energy', 'trueup_credit', 'rebill_adjustment')) as usage_units,
        min(unit) filter (where line_type = 'energy') as unit,
        count(distinct account_id) as account_count,
        count(distinct invoice_id) as invoice_count
    from issued_lines
    where {{ period_is_open() }}
    group by service, customer_class, district, coalesce(tariff_code, 'taxes'), currency
)

select * from final
