{#-
    The reviewers' assignments of unapplied cash in force (billing-rules.md section 6): per payment,
    the latest assignment to a known account (later decision first, then the higher assignment id),
    with the billing account whose items the payment then pays. The receivables run of each period
    reads it, so an assignment applies from the next run on.
-#}
with

assignments as (
    select * from {{ ref('stg_review__payment_assignments') }}
),

accounts as (
    select * from {{ ref('int_accounts_deduplicated') }}
),

final as (
    select distinct on (assignments.payment_id)
        assignments.payment_id,
        assignments.assignment_id,
        assignments.account_id,
        accounts.billing_account_id,
        assignments.decided_at
    from assignments
    inner join accounts
        on assignments.account_id = accounts.account_id
    order by assignments.payment_id asc, assignments.decided_at desc, assignments.assignment_id desc
)

select * from final
