with

source as (
    select * from {{ source('ingestion', 'rejects') }}
),

renamed as (
    select
        file_id,
        target as target_table,
        row_no,
        raw_values,
        reason as reject_reason,
        kind as reject_kind,
        rejected_at
    from source
)

select * from renamed
