select * from {{ ref('int_tariff_blocks_current') }}
