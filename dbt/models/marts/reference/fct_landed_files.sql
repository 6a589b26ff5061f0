with

files as (
    select * from {{ ref('stg_ingestion__load_ledger') }}
),

final as (
    select
        file_id,
        folder,
        target_table,
        file_name,
        content_sha256,
        file_bytes,
        load_status,
        quarantine_reason,
        file_dialect,
        rows_read,
        rows_loaded,
        rows_rejected,
        superseded_by_file_id,
        is_current,
        load_started_at,
        load_finished_at
    from files
)

select * from final
