with

charges as (
    select * from {{ ref('stg_tariffs__tariff_charges') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

current_charges as (
    select charges.*
    from charges
    inner join files
        on charges.source_file_id = files.file_id
    where files.is_current
),

-- A version's charges are a set: they all come from the latest file that defines that version.
latest_file_per_version as (
    select
        tariff_code,
        effective_from,
        max(source_file_id) as source_file_id
    from current_charges
    group by tariff_code, effective_from
),

final as (
    select current_charges.*
    from current_charges
    inner join latest_file_per_version
        using (tariff_code, effective_from, source_file_id)
)

select * from final
