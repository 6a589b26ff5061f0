{{ config(meta={'dagster': {'ref': {'name': 'rpt_trial_balance'}}}) }}

-- The period opens where the previous one closed: the trial balance and AR in the collections mart.
-- In the first period of a fiscal year (D118) the income and expense accounts open at zero, retained
-- earnings takes their balances, and every currency's openings still sum to the last closings.
with

chart as (
    {{ gl_accounts() }}
),

trial_balance as (
    select * from {{ ref('rpt_trial_balance') }}
),

last_totals as (
    select
        currency,
        sum(closing_balance) as amount
    from trial_balance
    where period = to_char(to_date({{ period() }}, 'YYYY-MM') - interval '1 month', 'YYYY-MM')
    group by currency
),

this_totals as (
    select
        currency,
        sum(opening_balance) as amount
    from trial_balance
    where period = {{ period() }}
    group by currency
)

select
    'trial_balance' as report,
    this_period.period,
    this_period.account_code as item
from trial_balance as this_period
inner join trial_balance as last_period
    on
        last_period.period = to_char(to_date(this_period.period, 'YYYY-MM') - interval '1 month', 'YYYY-MM')
        and this_period.account_code = last_period.account_code
        and this_period.currency = last_period.currency
left join chart
    on this_period.account_code = chart.account_code
where
    this_period.period = {{ period() }}
    and case
        when {{ fiscal_year_starts() }} and chart.account_type in ('revenue', 'expense')
            then this_period.opening_balance <> 0
        when {{ fiscal_year_starts() }} and chart.account_key = 'retained_earnings' then false
        else this_period.opening_balance <> last_period.closing_balance
    end
union all
select
    'trial_balance_total' as report,
    {{ period() }} as period,
    this_totals.currency as item
from this_totals
inner join last_totals
    on this_totals.currency = last_totals.currency
where this_totals.amount <> last_totals.amount
union all
select
    'collections' as report,
    this_period.period,
    this_period.currency as item
from {{ ref('agg_collections_monthly') }} as this_period
inner join {{ ref('agg_collections_monthly') }} as last_period
    on
        last_period.period = to_char(to_date(this_period.period, 'YYYY-MM') - interval '1 month', 'YYYY-MM')
        and this_period.currency = last_period.currency
where this_period.period = {{ period() }} and this_period.opening_ar_amount <> last_period.closing_ar_amount
