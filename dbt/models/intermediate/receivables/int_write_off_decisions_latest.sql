{#-
    The reviewers' write-off decisions in force (billing-rules.md section 7): per account, its latest
    decision (later decision first, then the higher decision id), with the billing account whose
    overdue items an approval writes off. The receivables run of each period reads it and applies
    each approval once.
-#}
with

decisions as (
    select * from {{ ref('stg_review__write_off_decisions') }}
),

accounts as (
    select * from {{ ref('int_accounts_deduplicated') }}
),

latest as (
    select distinct on (account_id) *
    from decisions
    order by account_id asc, decided_at desc, decision_id desc
),

final as (
    select
        latest.account_id,
        latest.decision_id,
        accounts.billing_account_id,
        latest.decision,
        latest.decided_at
    from latest
    inner join accounts
        on latest.account_id = accounts.account_id
)

select * from final
