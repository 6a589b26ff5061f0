{#-
    Rebill of a closed period (billing-rules.md section 3): when a closed period's read is corrected
    late (int_meter_periods.correction_units), that period's frozen parts of the service point are
    charged again inside this period's run, with the corrected units spread over their days.
    int_rebill_adjustment_lines posts the difference on this period's invoice.
-#}
with

corrections as (
    select
        service_point_id,
        corrected_period,
        sum(correction_units) as correction_units
    from {{ ref('int_meter_periods') }}
    where period = {{ period() }} and correction_units <> 0
    group by service_point_id, corrected_period
),

corrected_period_parts as (
    select * from {{ ref('int_usage_parts') }}
    where
        period in (select corrections.corrected_period from corrections)
        and contract_id is not null
),

rebill_parts as (
    select
        corrected_period_parts.service_point_id,
        corrected_period_parts.contract_id,
        corrected_period_parts.account_id,
        corrected_period_parts.tariff_code,
        corrected_period_parts.tariff_effective_from,
        corrected_period_parts.service,
        corrected_period_parts.unit,
        corrected_period_parts.part_from,
        corrected_period_parts.part_to,
        corrected_period_parts.part_days,
        round(
            corrected_period_parts.units + corrections.correction_units * corrected_period_parts.part_days
            / sum(corrected_period_parts.part_days) over (partition by corrected_period_parts.service_point_id),
            6
        ) as units,
        corrected_period_parts.is_estimated,
        corrected_period_parts.meter_ids,
        corrected_period_parts.scale_factor,
        corrected_period_parts.season,
        corrected_period_parts.period as corrected_period,
        corrected_period_parts.residents
    from corrected_period_parts
    inner join corrections
        on
            corrected_period_parts.service_point_id = corrections.service_point_id
            and corrected_period_parts.period = corrections.corrected_period
),

final as (
    select
        {{ period() }} as period,
        *
    from rebill_parts
    where {{ period_is_open() }}
)

select * from final
