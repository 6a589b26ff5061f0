{#-
    Register reads dated in the period, from current files, with reviewers' decisions applied and
    the read-level VEE flags: DUPLICATE (same meter and read_at, another value), FUTURE (read_at
    after the file was landed) and ORPHAN (meter unknown, or not installed on the read's day).
-#}
with

readings as (
    select * from {{ ref('stg_meter_reads__readings') }}
    where read_on between {{ period_start() }} and {{ period_end() }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

meters as (
    select * from {{ ref('int_meters_deduplicated') }}
),

latest_decisions as (
    select * from {{ ref('int_reading_decisions_latest') }}
),

current_reads as (
    select readings.*
    from readings
    inner join files
        on readings.source_file_id = files.file_id
    where files.is_current
),

decided as (
    select
        current_reads.meter_id,
        current_reads.read_at,
        current_reads.read_on,
        current_reads.reading as landed_reading,
        coalesce(
            case when latest_decisions.decision = 'replace' then latest_decisions.new_reading end,
            current_reads.reading
        ) as reading,
        current_reads.read_type,
        current_reads.read_source,
        current_reads.source_file_id,
        current_reads.source_row_no,
        current_reads.loaded_at,
        latest_decisions.decision,
        latest_decisions.reviewer,
        latest_decisions.decision_reason
    from current_reads
    left join latest_decisions
        on
            current_reads.meter_id = latest_decisions.meter_id
            and current_reads.read_at = latest_decisions.read_at
),

-- The same value landed twice (a re-sent export) is one read: the latest landed copy stands.
collapsed as (
    select distinct on (meter_id, read_at, reading) *
    from decided
    order by meter_id asc, read_at asc, reading asc, loaded_at desc, source_file_id desc, source_row_no desc
),

flagged as (
    select
        collapsed.*,
        count(*) over (partition by collapsed.meter_id, collapsed.read_at) > 1 as has_conflicting_value,
        row_number() over (
            partition by collapsed.meter_id, collapsed.read_at
            order by collapsed.loaded_at desc, collapsed.source_file_id desc, collapsed.source_row_no desc
        ) as landed_rank,
        collapsed.read_at > (collapsed.loaded_at at time zone '{{ policy("timezone") }}') as is_future,
        not exists (
            select 1 from meters
            where
                meters.meter_id = collapsed.meter_id
                and meters.installed_on <= collapsed.read_on
                and (meters.removed_on is null or collapsed.read_on <= meters.removed_on)
        ) as is_orphan
    from collapsed
),

final as (
    select
        {{ period() }} as period,
        meter_id,
        read_at,
        read_on,
        reading,
        landed_reading,
        read_type,
        read_source,
        source_file_id,
        source_row_no,
        decision,
        reviewer,
        decision_reason,
        -- An accepted conflict keeps the latest landed value; otherwise a conflict bills neither.
        has_conflicting_value and coalesce(decision, '') not in ('accept', 'replace') as is_duplicate,
        is_future,
        is_orphan,
        read_type in ('actual', 'customer', 'install', 'removal')
        and (not has_conflicting_value or (coalesce(decision, '') in ('accept', 'replace') and landed_rank = 1))
        and (not is_future or coalesce(decision, '') = 'accept')
        and not is_orphan
        and coalesce(decision, '') not in ('exclude', 'estimate') as is_billable
    from flagged
    where {{ period_is_open() }}
)

select * from final
