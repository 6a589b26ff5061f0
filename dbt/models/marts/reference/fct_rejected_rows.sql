with

rejects as (
    select * from {{ ref('stg_ingestion__rejects') }}
),

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

final as (
    select
        rejects.file_id,
        files.folder,
        files.file_name,
        rejects.target_table,
        rejects.row_no,
        rejects.raw_values,
        rejects.reject_reason,
        rejects.reject_kind,
        rejects.rejected_at
    from rejects
    inner join files
        on rejects.file_id = files.file_id
)

select * from final
