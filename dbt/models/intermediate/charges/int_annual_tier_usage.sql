{#-
    Annual tiers (billing-rules.md section 9, block_basis: year): each billed part of a version whose
    block bounds apply to the year, with the service point's cumulative billed units of the period's
    year before and after it. The state is this model's own latest row of the service point in the
    same year (up to 11 earlier periods of this small model, never the usage history), so a period's
    cost does not grow with history; parts of one period add up in day order. Only parts of annual-tier
    versions are read. A closed period's rows are frozen, so a rebill can reprice with the cumulative
    as it was.
-#}
with

annual_versions as (
    select * from {{ ref('int_tariffs_current') }}
    where block_basis = 'year'
),

parts as (
    select * from {{ ref('int_usage_parts') }}
    where
        period = {{ period() }} and contract_id is not null
        and (tariff_code, tariff_effective_from) in (
            select
                annual_versions.tariff_code,
                annual_versions.effective_from
            from annual_versions
        )
),

history as (
    {{ previous_periods_of_this(11) }}
),

year_to_date as (
    select distinct on (service_point_id)
        service_point_id,
        cumulative_after
    from history
    where left(period, 4) = left({{ period() }}, 4)
    order by service_point_id asc, period desc, part_from desc, cumulative_after desc
),

cumulated as (
    select
        parts.service_point_id,
        parts.contract_id,
        parts.tariff_effective_from,
        parts.part_from,
        parts.units,
        coalesce(year_to_date.cumulative_after, 0)
        + coalesce(sum(parts.units) over (
            partition by parts.service_point_id
            order by parts.part_from, parts.contract_id
            rows between unbounded preceding and 1 preceding
        ), 0) as cumulative_before
    from parts
    left join year_to_date
        on parts.service_point_id = year_to_date.service_point_id
),

final as (
    select
        {{ period() }} as period,
        service_point_id,
        contract_id,
        tariff_effective_from,
        part_from,
        units,
        cumulative_before,
        cumulative_before + units as cumulative_after
    from cumulated
    where {{ period_is_open() }}
)

select * from final
