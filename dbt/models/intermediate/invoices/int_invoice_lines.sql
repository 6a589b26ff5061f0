{#-
    Every line of the period's invoices (billing-rules.md section 5), numbered: the billed lines
    (int_billed_lines), the percent charge and rounding lines (section 9), the levy and VAT lines
    (int_tax_lines) and, carried forward whole, the lines
    of the account's last invoice if it was a small bill carried forward, and of the held invoices a
    reviewer released since the last run (int_invoices.released_periods; a held invoice's lines
    reach no other invoice before, D65), read from this model's own earlier rows.
-#}
with

billed_lines as (
    select * from {{ ref('int_billed_lines') }}
    where period = {{ period() }}
),

tax_lines as (
    select * from {{ ref('int_tax_lines') }}
    where period = {{ period() }}
),

percent_charge_lines as (
    select * from {{ ref('int_percent_charge_lines') }}
    where period = {{ period() }}
),

rounding_lines as (
    select * from {{ ref('int_rounding_lines') }}
    where period = {{ period() }}
),

invoices as (
    select * from {{ ref('int_invoices') }}
    where period in ({{ previous_period(1) }}, {{ period() }})
),

unissued_invoices as (
    select invoices.invoice_id from invoices
    where invoices.period = {{ previous_period(1) }} and invoices.status = 'carried_forward'
    union all
    select 'INV-' || replace(released.period, '-', '') || '-' || invoices.account_id as invoice_id
    from invoices
    cross join unnest(string_to_array(invoices.released_periods, ',')) as released (period)
    where invoices.period = {{ period() }}
),

-- Only the unissued invoices' lines, each period's by its index (an array of the released periods is
-- an index condition; "period in (select ...)" is not): a condition "period = last or period in
-- (released)" scanned the whole table and hashed every line of last period (1.9 s at 100,000
-- accounts) to find a few dozen.
{%- set unissued = " and invoice_id in (select unissued_invoices.invoice_id from unissued_invoices)" %}
previous_lines as (
    {{ rows_of_this("period = " ~ previous_period(1) ~ unissued) }}
    union all
    {{ rows_of_this(
        "period <> " ~ previous_period(1)
        ~ " and period = any(array(select released.period from invoices"
        ~ " cross join unnest(string_to_array(invoices.released_periods, ',')) as released (period)"
        ~ " where invoices.period = " ~ period() ~ "))"
        ~ unissued
    ) }}
),

forwarded_lines as (
    select
        previous_lines.billing_account_id,
        {{ invoice_line_columns('previous_lines') }},
        coalesce(previous_lines.carried_from_period, previous_lines.period) as carried_from_period,
        previous_lines.charge_code,
        previous_lines.description
    from previous_lines
    inner join unissued_invoices
        on previous_lines.invoice_id = unissued_invoices.invoice_id
),

invoice_lines as (
    select
        billing_account_id,
        {{ invoice_line_columns() }},
        null::text as carried_from_period,
        charge_code,
        description
    from billed_lines
    union all
    select
        billing_account_id,
        {{ invoice_line_columns() }},
        null::text as carried_from_period,
        charge_code,
        description
    from tax_lines
    union all
    select
        billing_account_id,
        {{ invoice_line_columns() }},
        null::text as carried_from_period,
        charge_code,
        description
    from percent_charge_lines
    union all
    select
        billing_account_id,
        {{ invoice_line_columns() }},
        null::text as carried_from_period,
        charge_code,
        description
    from rounding_lines
    union all
    select * from forwarded_lines
),

numbered as (
    select
        'INV-' || replace({{ period() }}, '-', '') || '-' || billing_account_id as invoice_id,
        row_number() over (
            partition by billing_account_id
            order by
                coalesce(carried_from_period, {{ period() }}),
                service,
                case line_type
                    when 'percent_charge' then 2 when 'levy' then 3 when 'vat' then 4 when 'rounding' then 5
                    else 1
                end,
                service_point_id,
                part_from,
                case line_type
                    when 'energy' then 1 when 'basic' then 2 when 'fixed' then 3
                    when 'minimum_topup' then 4 when 'common_area' then 5 when 'trueup_credit' then 6
                    when 'charge' then 7 when 'rebill_adjustment' then 8 else 9
                end,
                block_no,
                charge_code
        ) as line_no,
        *
    from invoice_lines
),

final as (
    select
        {{ period() }} as period,
        invoice_id,
        line_no,
        billing_account_id,
        {{ invoice_line_columns() }},
        carried_from_period,
        charge_code,
        description
    from numbered
    where {{ period_is_open() }}
)

select * from final
