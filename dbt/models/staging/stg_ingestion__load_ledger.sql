with

source as (
    select * from {{ source('ingestion', 'load_ledger') }}
),

renamed as (
    select
        file_id,
        folder,
        target as target_table,
        file_name,
        content_sha256,
        file_bytes,
        status as load_status,
        reason as quarantine_reason,
        dialect as file_dialect,
        rows_read,
        rows_loaded,
        rows_rejected,
        superseded_by as superseded_by_file_id,
        superseded_by is null and status = 'loaded' as is_current,
        started_at as load_started_at,
        finished_at as load_finished_at
    from source
)

select * from renamed
