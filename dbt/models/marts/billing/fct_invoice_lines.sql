{#-
    Every line of every invoice: the invoice's own lines (int_invoice_lines) and the late payment charges
    the bill run adds to its issued invoices (int_late_charge_lines, D66). A view (D126): both models keep
    each period's rows frozen once it is closed, and copying 1.1 M lines a period into a table cost 4.4 s
    of the charges stage at 100,000 accounts. Readers filter by period or account, which both tables index.
-#}
{{ config(materialized='view') }}

with

invoice_lines as (
    select * from {{ ref('int_invoice_lines') }}
),

late_charge_lines as (
    select * from {{ ref('int_late_charge_lines') }}
),

lines as (
    select * from invoice_lines
    union all
    select * from late_charge_lines
),

final as (
    select
        invoice_id,
        line_no,
        period,
        billing_account_id as account_id,
        account_id as contract_account_id,
        line_type,
        service,
        service_point_id,
        contract_id,
        quantity,
        unit,
        unit_price,
        amount,
        currency,
        is_estimated,
        tariff_code,
        tariff_effective_from,
        block_no,
        part_from,
        part_to,
        part_days,
        meter_ids,
        adjusts_period,
        carried_from_period,
        charge_code,
        description
    from lines
)

select * from final
