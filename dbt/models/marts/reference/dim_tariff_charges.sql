select * from {{ ref('int_tariff_charges_current') }}
