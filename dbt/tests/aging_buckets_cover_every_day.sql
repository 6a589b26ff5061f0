-- Every number of days past due, from well before the due date to years after it, falls in exactly one
-- aging bucket of the seed (gaps or overlaps would drop or double-count open items in the aging).
with

buckets as (
    select * from {{ ref('aging_buckets') }}
),

days as (
    select day_count from generate_series(-400, 4000) as day_count
),

matches as (
    select
        days.day_count,
        count(buckets.aging_bucket) as bucket_count
    from days
    left join buckets
        on
            days.day_count >= coalesce(buckets.from_days_past_due, days.day_count)
            and days.day_count <= coalesce(buckets.to_days_past_due, days.day_count)
    group by days.day_count
),

final as (
    select * from matches
    where bucket_count <> 1
)

select * from final
