{{ config(meta={'dagster': {'ref': {'name': 'rpt_trial_balance'}}}) }}

-- The period opens where the previous one closed: the trial balance and AR in the collections mart.
select
    'trial_balance' as report,
    this_period.period,
    this_period.account_code as item
from {{ ref('rpt_trial_balance') }} as this_period
inner join {{ ref('rpt_trial_balance') }} as last_period
    on
        last_period.period = to_char(to_date(this_period.period, 'YYYY-MM') - interval '1 month', 'YYYY-MM')
        and this_period.account_code = last_period.account_code
        and this_period.currency = last_period.currency
where this_period.period = {{ period() }} and this_period.opening_balance <> last_period.closing_balance
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
