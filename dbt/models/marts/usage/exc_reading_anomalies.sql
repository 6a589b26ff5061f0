{#-
    Every VEE flag of the period as a row a reviewer can act on (billing-rules.md section 3), and a
    MISSING row for each contract's days no meter and no norm bill (section 9, D121).
-#}
with

reads as (
    select * from {{ ref('int_readings_validated') }}
    where period = {{ period() }}
),

screened_reads as (
    select * from {{ ref('int_reads_screened') }}
    where period = {{ period() }} and is_suspect
),

interval_duplicates as (
    select * from {{ ref('int_interval_reads_validated') }}
    where period = {{ period() }} and is_duplicate
),

meter_period_flags as (
    select * from {{ ref('int_meter_period_flags') }}
    where period = {{ period() }}
),

parts as (
    select * from {{ ref('int_usage_parts') }}
    where period = {{ period() }} and contract_id is null
),

common_areas as (
    select * from {{ ref('int_common_area_shares') }}
    where period = {{ period() }} and is_negative_common
),

unbilled_days as (
    select * from {{ ref('int_unbilled_unmetered_days') }}
    where period = {{ period() }}
),

meters as (
    select * from {{ ref('int_meters_deduplicated') }}
),

-- Each meter's current service point (its latest install), joined by hash: a lateral lookup per flag
-- would scan the materialised meters CTE once per flag (measured: 120 s at 100,000 accounts).
meter_service_points as (
    select distinct on (meter_id)
        meter_id,
        service_point_id
    from meters
    order by meter_id asc, installed_on desc
),

reading_decisions as (
    select * from {{ ref('int_reading_decisions_latest') }}
),

read_flags as (
    select
        flag.name as flag,
        reads.meter_id,
        reads.read_at,
        null::timestamptz as read_instant,
        reads.reading,
        null::numeric as units,
        flag.reason
    from reads
    cross join
        lateral (
            values
            (
                'DUPLICATE',
                reads.is_duplicate,
                format(
                    'another value was landed for the same meter and time; %s is not billed until reviewed',
                    reads.reading
                )
            ),
            (
                'FUTURE',
                reads.is_future,
                'read_at is later than the time the file was landed'
            ),
            (
                'ORPHAN',
                reads.is_orphan,
                'the meter is not in the registry or was not installed on the read day'
            )
        ) as flag (name, raised, reason)
    where flag.raised
),

suspect_reads as (
    select
        'SUSPECT' as flag,
        meter_id,
        read_at,
        null::timestamptz as read_instant,
        reading,
        null::numeric as units,
        suspect_reason as reason
    from screened_reads
),

-- Two values for one interval read's instant: neither is used (int_interval_reads_validated).
interval_read_flags as (
    select
        'DUPLICATE' as flag,
        meter_id,
        read_at,
        read_instant,
        reading,
        null::numeric as units,
        format(
            'the interval read at %s has %s values (%s); neither is used: the register is cumulative, so the'
            || ' step runs from the read before to the read after and the usage is unchanged',
            {{ local_time_text('read_instant') }}, values_at_instant, landed_values
        ) as reason
    from interval_duplicates
),

usage_flags as (
    select
        flag,
        meter_id,
        read_at,
        null::timestamptz as read_instant,
        reading,
        units,
        reason
    from meter_period_flags
),

orphan_usage as (
    select
        'ORPHAN' as flag,
        split_part(parts.meter_ids, ',', 1) as meter_id,
        null::timestamp as read_at,
        null::timestamptz as read_instant,
        null::numeric as reading,
        parts.units,
        format(
            '%s %s on %s days (%s to %s) with no contract or tariff in force; not billed',
            round(parts.units, 3), parts.unit, parts.part_days, parts.part_from, parts.part_to
        ) as reason
    from parts
),

negative_common_areas as (
    select distinct on (common_areas.master_service_point_id)
        'NEGATIVE' as flag,
        meters.meter_id,
        null::timestamp as read_at,
        null::timestamptz as read_instant,
        null::numeric as reading,
        common_areas.common_units as units,
        format(
            'common-area usage is negative: the master meter measured %s, its units %s; not billed',
            common_areas.master_units, common_areas.units_total
        ) as reason
    from common_areas
    inner join meters
        on common_areas.master_service_point_id = meters.service_point_id
    order by common_areas.master_service_point_id asc, meters.installed_on desc
),

meter_flags as (
    select * from read_flags
    union all
    select * from suspect_reads
    union all
    select * from interval_read_flags
    union all
    select * from negative_common_areas
    union all
    select * from usage_flags
    union all
    select * from orphan_usage
),

-- Contract days no meter and no norm bill (int_unbilled_unmetered_days): MISSING on the service point,
-- no meter and no read; the contract keeps its anomaly_id apart (meter flags have none: their ids are
-- unchanged).
all_flags as (
    select
        meter_flags.*,
        meter_service_points.service_point_id,
        null::text as contract_id
    from meter_flags
    left join meter_service_points
        on meter_flags.meter_id = meter_service_points.meter_id
    union all
    select
        'MISSING' as flag,
        null::text as meter_id,
        null::timestamp as read_at,
        null::timestamptz as read_instant,
        null::numeric as reading,
        null::numeric as units,
        reason,
        service_point_id,
        contract_id
    from unbilled_days
),

final as (
    select
        md5(
            concat_ws(
                '|', {{ period() }}, all_flags.flag, all_flags.meter_id, all_flags.read_at, all_flags.reading,
                all_flags.read_instant, all_flags.contract_id
            )
        )
            as anomaly_id,
        {{ period() }} as period,
        all_flags.flag,
        all_flags.meter_id,
        all_flags.service_point_id,
        all_flags.read_at,
        all_flags.read_instant,
        all_flags.reading,
        all_flags.units,
        all_flags.reason,
        reading_decisions.decision,
        reading_decisions.reviewer as decided_by,
        reading_decisions.decided_at
    from all_flags
    left join reading_decisions
        on all_flags.meter_id = reading_decisions.meter_id and all_flags.read_at = reading_decisions.read_at
    where {{ period_is_open() }}
)

select * from final
