select * from {{ ref('int_tariffs_current') }}
