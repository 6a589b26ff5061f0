{#-
    The period's invoices and their decisions (billing-rules.md section 5), made once per invoice:
    totals, bill review and status, bill and due date. One invoice per billing account holds this
    period's billed and tax lines plus, whole, last period's invoice if it was not issued (a small
    bill carried forward, or a held bill): the state read from this model's own previous rows.
    An invoice is held for review when its total is not positive, or when this period's charges
    exceed high_bill_factor x the average of its last 6 invoices (held ones count: the usage was
    real; small bills carried forward do not) and, with the seasonal baseline, x the same month
    last year's charges (D102); a reviewer's latest decision can release it.
    Otherwise a total below the currency's small-bill threshold is carried forward.
    A held invoice stays held (D65): its lines reach no later invoice until a reviewer releases it;
    the next run after the release bills it whole on that run's invoice. The held invoices still
    waiting are state (held_periods) on the account's latest invoice of the last 6 periods.
-#}
with

period_lines as (
    select
        billing_account_id as account_id,
        line_type,
        amount,
        currency,
        is_estimated
    from {{ ref('int_billed_lines') }}
    where period = {{ period() }}
    union all
    select
        billing_account_id as account_id,
        line_type,
        amount,
        currency,
        is_estimated
    from {{ ref('int_tax_lines') }}
    where period = {{ period() }}
    union all
    select
        billing_account_id as account_id,
        line_type,
        amount,
        currency,
        is_estimated
    from {{ ref('int_percent_charge_lines') }}
    where period = {{ period() }}
    union all
    select
        billing_account_id as account_id,
        line_type,
        amount,
        currency,
        is_estimated
    from {{ ref('int_rounding_lines') }}
    where period = {{ period() }}
),

bill_decisions as (
    select * from {{ ref('stg_review__bill_decisions') }}
),

previous_invoices as (
    {{ previous_periods_of_this(6) }}
),

-- The same month last year's charges, the seasonal baseline of bill review (D102).
last_year_invoices as (
    {{ previous_periods_of_this(12) }}
),

last_year as (
    select
        account_id,
        period_amount as last_year_amount
    from last_year_invoices
    where
        period = {{ previous_period(12) }}
        and status in ('issued', 'held')
        and period_amount is not null
),

latest_bill_decisions as (
    select distinct on (invoice_id)
        invoice_id,
        decision
    from bill_decisions
    order by invoice_id asc, decided_at desc, decision_id desc
),

-- Each billing account's held invoices still waiting after the last run, released or not now.
waiting_holds as (
    select
        latest_invoices.account_id,
        held.period as held_period,
        coalesce(latest_bill_decisions.decision = 'release', false) as is_released
    from (
        select distinct on (account_id)
            account_id,
            held_periods
        from previous_invoices
        order by account_id asc, period desc
    ) as latest_invoices
    cross join unnest(string_to_array(latest_invoices.held_periods, ',')) as held (period)
    left join latest_bill_decisions
        on
            latest_bill_decisions.invoice_id
            = 'INV-' || replace(held.period, '-', '') || '-' || latest_invoices.account_id
),

hold_states as (
    select
        account_id,
        string_agg(held_period, ',' order by held_period) filter (where not is_released) as still_held,
        string_agg(held_period, ',' order by held_period) filter (where is_released) as released
    from waiting_holds
    group by account_id
),

released_invoices as (
    {{ rows_of_this(
        "period in (select held_period from waiting_holds where is_released)"
        ~ " and (account_id, period) in (select account_id, held_period from waiting_holds where is_released)"
    ) }}
),

period_parts as (
    select
        account_id,
        false as is_carried,
        sum(amount) as total_amount,
        sum(amount) filter (where line_type not in ('levy', 'vat', 'percent_charge', 'rounding')) as subtotal_amount,
        sum(amount) filter (where line_type = 'vat') as vat_amount,
        sum(amount) filter (where line_type = 'levy') as levy_amount,
        sum(amount) filter (where line_type = 'percent_charge') as percent_charge_amount,
        sum(amount) filter (where line_type = 'rounding') as rounding_amount,
        count(*) as line_count,
        bool_or(is_estimated) as has_estimated_lines,
        min(currency) as currency
    from period_lines
    group by account_id
),

carried_parts as (
    select
        account_id,
        true as is_carried,
        total_amount,
        subtotal_amount,
        vat_amount,
        levy_amount,
        percent_charge_amount,
        rounding_amount,
        line_count,
        has_estimated_lines,
        currency
    from previous_invoices
    where period = {{ previous_period(1) }} and status = 'carried_forward'
    union all
    select
        account_id,
        true as is_carried,
        total_amount,
        subtotal_amount,
        vat_amount,
        levy_amount,
        percent_charge_amount,
        rounding_amount,
        line_count,
        has_estimated_lines,
        currency
    from released_invoices
),

invoice_totals as (
    select
        'INV-' || replace({{ period() }}, '-', '') || '-' || account_id as invoice_id,
        account_id,
        min(currency) as currency,
        sum(total_amount) as total_amount,
        sum(total_amount) filter (where not is_carried) as period_amount,
        sum(subtotal_amount) as subtotal_amount,
        sum(vat_amount) as vat_amount,
        sum(levy_amount) as levy_amount,
        sum(percent_charge_amount) as percent_charge_amount,
        sum(rounding_amount) as rounding_amount,
        sum(total_amount) filter (where is_carried) as carried_forward_amount,
        sum(line_count)::bigint as line_count,
        bool_or(has_estimated_lines) as has_estimated_lines
    from (
        select * from period_parts
        union all
        select * from carried_parts
    ) as invoice_parts
    group by account_id
),

recent_averages as (
    select
        account_id,
        avg(period_amount) as average_amount
    from previous_invoices
    where status in ('issued', 'held') and period_amount is not null
    group by account_id
),

reviewed as (
    select
        invoice_totals.*,
        case
            when invoice_totals.total_amount <= 0 then 'non_positive_total'
            when
                invoice_totals.period_amount
                > {{ policy('high_bill_factor') }}
                * {{ high_bill_baseline('recent_averages.average_amount', 'last_year.last_year_amount') }}
                then 'high_bill'
        end as review_reason,
        recent_averages.average_amount,
        last_year.last_year_amount,
        latest_bill_decisions.decision as bill_decision,
        hold_states.still_held,
        hold_states.released
    from invoice_totals
    left join recent_averages
        on invoice_totals.account_id = recent_averages.account_id
    left join last_year
        on invoice_totals.account_id = last_year.account_id
    left join latest_bill_decisions
        on invoice_totals.invoice_id = latest_bill_decisions.invoice_id
    left join hold_states
        on invoice_totals.account_id = hold_states.account_id
),

decided as (
    select
        *,
        case
            when review_reason is not null and coalesce(bill_decision, 'hold') = 'hold' then 'held'
            when review_reason is null and total_amount < {{ small_bill_threshold('currency') }}
                then 'carried_forward'
            else 'issued'
        end as status
    from reviewed
),

final as (
    select
        invoice_id,
        account_id,
        {{ period() }} as period,
        {{ bill_date() }} as bill_date,
        {{ due_date() }} as due_date,
        currency,
        total_amount,
        coalesce(subtotal_amount, 0) as subtotal_amount,
        coalesce(vat_amount, 0) as vat_amount,
        coalesce(levy_amount, 0) as levy_amount,
        coalesce(percent_charge_amount, 0) as percent_charge_amount,
        coalesce(rounding_amount, 0) as rounding_amount,
        coalesce(carried_forward_amount, 0) as carried_forward_amount,
        line_count,
        has_estimated_lines,
        status,
        review_reason,
        period_amount,
        average_amount,
        last_year_amount,
        nullif(concat_ws(',', still_held, case when status = 'held' then {{ period() }} end), '') as held_periods,
        released as released_periods
    from decided
    where {{ period_is_open() }}
)

select * from final
