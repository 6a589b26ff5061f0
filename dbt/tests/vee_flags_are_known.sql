{{ config(tags=['billing_period'], meta={'dagster': {'ref': {'name': 'exc_reading_anomalies'}}}) }}

-- Every flag a reading anomaly or a period's usage carries is one of the vee_flags seed (tagged like
-- the models it reads: it reads a seed too, and must not run in reference builds).
with

anomaly_flags as (
    select distinct flag from {{ ref('exc_reading_anomalies') }}
    where period = {{ period() }}
),

usage_flags as (
    select distinct unnest(flags) as flag from {{ ref('fct_usage') }}
    where period = {{ period() }}
),

known as (
    select flag from {{ ref('vee_flags') }}
),

final as (
    select flag from anomaly_flags
    union
    select flag from usage_flags
    except
    select flag from known
)

select * from final
