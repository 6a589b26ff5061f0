{#-
    The period's billed lines before tax (billing-rules.md section 5): charge lines, further charges
    (riders and standing charges, section 9; their charge_code and description label the line),
    true-up credits, common-area shares and rebill adjustments, each on the invoice of its billing
    account: a consolidated parent's invoice carries its children's lines.
-#}
with

charge_lines as (
    select * from {{ ref('int_charge_lines') }}
    where period = {{ period() }}
),

trueup_credit_lines as (
    select * from {{ ref('int_trueup_credit_lines') }}
    where period = {{ period() }}
),

common_area_lines as (
    select * from {{ ref('int_common_area_lines') }}
    where period = {{ period() }}
),

rebill_adjustment_lines as (
    select * from {{ ref('int_rebill_adjustment_lines') }}
    where period = {{ period() }}
),

rider_lines as (
    select * from {{ ref('int_rider_lines') }}
    where period = {{ period() }}
),

accounts as not materialized (
    select * from {{ ref('int_accounts_deduplicated') }}
),

own_lines as (
    select
        {{ invoice_line_columns(without=['adjusts_period']) }},
        null::text as adjusts_period,
        null::text as charge_code,
        null::text as description
    from charge_lines
    union all
    select
        {{ invoice_line_columns(without=['adjusts_period']) }},
        null::text as adjusts_period,
        null::text as charge_code,
        null::text as description
    from trueup_credit_lines
    union all
    select
        {{ invoice_line_columns(without=['adjusts_period']) }},
        null::text as adjusts_period,
        null::text as charge_code,
        null::text as description
    from common_area_lines
    union all
    select
        {{ invoice_line_columns() }},
        null::text as charge_code,
        null::text as description
    from rebill_adjustment_lines
    union all
    select
        {{ invoice_line_columns(without=['adjusts_period']) }},
        null::text as adjusts_period,
        charge_code,
        description
    from rider_lines
),

final as (
    select
        {{ period() }} as period,
        coalesce(accounts.parent_account_id, own_lines.account_id) as billing_account_id,
        {{ invoice_line_columns('own_lines') }},
        own_lines.charge_code,
        own_lines.description
    from own_lines
    left join accounts
        on own_lines.account_id = accounts.account_id
    where {{ period_is_open() }}
)

select * from final
