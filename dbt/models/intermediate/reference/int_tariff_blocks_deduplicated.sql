with

blocks as (
    select * from {{ ref('stg_tariffs__tariff_blocks') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

current_blocks as (
    select blocks.*
    from blocks
    inner join files
        on blocks.source_file_id = files.file_id
    where files.is_current
),

-- A version's blocks are a set: they all come from the latest file that defines that version.
latest_file_per_version as (
    select
        tariff_code,
        effective_from,
        max(source_file_id) as source_file_id
    from current_blocks
    group by tariff_code, effective_from
),

final as (
    select current_blocks.*
    from current_blocks
    inner join latest_file_per_version
        using (tariff_code, effective_from, source_file_id)
)

select * from final
