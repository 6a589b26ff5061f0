-- A closed period's invoices and lines still match the checksum stored when it was closed.
select
    period,
    checksum as stored_checksum,
    billing.period_checksum(period) as current_checksum
from {{ ref('stg_billing__closed_periods') }}
where checksum <> billing.period_checksum(period)
