{#-
    Late payment charges as lines of the invoice this bill run issues (billing-rules.md sections 5
    and 7, D66): one `late_charge` line per overdue earlier invoice the receivables engine charged
    this period, on the account's issued invoice, numbered after that invoice's own lines. The line
    says what it is charged on: quantity is the overdue invoice's unpaid charges (the base), the unit
    price the late fee rate, adjusts_period the overdue invoice's period (its number, by D23, is
    INV-<that period>-<account>). It bears no VAT or levy (both rates 0).
-#}
with

late_charges as (
    select * from {{ ref('int_receivables_allocated') }}
    where period = {{ period() }} and row_type = 'late_charge'
),

invoices as (
    select * from {{ ref('int_invoices') }}
    where period = {{ period() }}
),

late_charge_lines as (
    select
        late_charges.invoice_id,
        invoices.line_count
        + row_number() over (partition by late_charges.invoice_id order by late_charges.source_id) as line_no,
        late_charges.account_id as billing_account_id,
        late_charges.account_id,
        null::text as contract_id,
        null::text as service_point_id,
        null::text as service,
        null::text as tariff_code,
        null::date as tariff_effective_from,
        null::date as part_from,
        null::date as part_to,
        null::integer as part_days,
        null::numeric as scale_factor,
        null::numeric as part_units,
        false as is_estimated,
        null::text as meter_ids,
        'late_charge' as line_type,
        null::integer as block_no,
        late_charges.base_amount as quantity,
        late_charges.currency as unit,
        {{ policy('late_fee_rate') }}::numeric as unit_price,
        late_charges.amount,
        late_charges.currency,
        {{ currency_decimals('late_charges.currency') }} as currency_decimals,
        0::numeric as vat_rate,
        0::numeric as levy_rate,
        substr(late_charges.source_id, 5, 4) || '-' || substr(late_charges.source_id, 9, 2) as adjusts_period,
        null::text as carried_from_period,
        null::text as charge_code,
        null::text as description
    from late_charges
    inner join invoices
        on late_charges.invoice_id = invoices.invoice_id
),

final as (
    select
        {{ period() }} as period,
        *
    from late_charge_lines
    where {{ period_is_open() }}
)

select * from final
