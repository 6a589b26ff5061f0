{#-
    Interval (AMI) reads of the period, by instant (D59): a read belongs to the period of the local
    day its interval ends in (interval_ending_day, D61), so a read at 00:00 on the 1st closes the
    previous month. The same value landed twice for one instant is one read; two values for one
    instant are a DUPLICATE and neither is used: the register is cumulative, so the step simply runs
    from the read before to the read after and the period's usage is unchanged.
-#}
with

interval_reads as (
    select * from {{ ref('stg_meter_reads__interval_readings') }}
    where {{ interval_ending_day('read_instant') }} between {{ period_start() }} and {{ period_end() }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

current_reads as (
    select interval_reads.*
    from interval_reads
    inner join files
        on interval_reads.source_file_id = files.file_id
    where files.is_current
),

-- The same value landed twice (a re-sent export) is one read: the latest landed copy stands.
collapsed as (
    select distinct on (meter_id, read_instant, reading) *
    from current_reads
    order by meter_id asc, read_instant asc, reading asc, loaded_at desc, source_file_id desc, source_row_no desc
),

counted as (
    select
        *,
        count(*) over (partition by meter_id, read_instant) as values_at_instant,
        string_agg(reading::text, ', ') over (
            partition by meter_id, read_instant order by reading
            rows between unbounded preceding and unbounded following
        ) as landed_values
    from collapsed
),

final as (
    select
        {{ period() }} as period,
        meter_id,
        read_instant,
        read_at,
        {{ interval_ending_day('read_instant') }} as interval_on,
        reading,
        read_type,
        read_source,
        source_file_id,
        source_row_no,
        values_at_instant,
        landed_values,
        values_at_instant > 1 as is_duplicate
    from counted
    where {{ period_is_open() }}
)

select * from final
