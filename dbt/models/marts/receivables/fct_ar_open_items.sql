with

receivables as (
    select * from {{ ref('int_receivables_allocated') }}
    where period = {{ period() }} and row_type = 'open_item' and not is_written_off and amount > 0
),

final as (
    select
        period,
        {{ period_end() }} as as_of_date,
        account_id,
        invoice_id,
        component,
        due_date,
        currency,
        amount as open_amount,
        greatest({{ period_end() }} - due_date, 0) as days_past_due,
        {{ aging_bucket(period_end() ~ ' - due_date') }} as aging_bucket
    from receivables
    where {{ period_is_open() }}
)

select * from final
