with

source as (
    select * from {{ source('meter_reads', 'readings') }}
),

renamed as (
    select
        meter_id,
        read_at,
        -- The read's instant (D59); rows loaded before it was kept take read_at in the utility's zone.
        coalesce(read_instant, read_at at time zone '{{ policy("timezone") }}') as read_instant,
        read_at::date as read_on,
        reading,
        read_type,
        source as read_source,
        _file_id as source_file_id,
        _row_no as source_row_no,
        _loaded_at as loaded_at
    from source
)

select * from renamed
