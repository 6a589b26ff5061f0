{#-
    The reviewers' assignments of payments in force (billing-rules.md section 6, D78): per payment,
    its latest decision naming known accounts (later decision first). A decision is one account (the
    whole payment: assigned_amount null) or a split: several accounts, each with the amount it
    receives, saved together (one transaction, so one decided_at). Per billing account of the
    decision: the amount (summed when two named accounts bill to the same one), and split_total and
    split_rows for the receivables run to check that a split adds up to the payment. The receivables
    run of each period reads it, so a decision applies from the next run on.
-#}
with

assignments as (
    select * from {{ ref('stg_review__payment_assignments') }}
),

accounts as (
    select * from {{ ref('int_accounts_deduplicated') }}
),

known as (
    select
        assignments.*,
        accounts.billing_account_id,
        rank() over (partition by assignments.payment_id order by assignments.decided_at desc) as decision_rank
    from assignments
    inner join accounts
        on assignments.account_id = accounts.account_id
),

latest as (
    select
        *,
        max(assignment_id) filter (where assigned_amount is null) over (partition by payment_id) as whole_id
    from known
    where decision_rank = 1
),

-- A decision with a row for the whole payment is that row (the latest, by id); else it is a split.
chosen as (
    select * from latest
    where whole_id is null or assignment_id = whole_id
),

final as (
    select
        payment_id,
        max(assignment_id) as assignment_id,
        min(account_id) as account_id,
        billing_account_id,
        case when count(*) = count(assigned_amount) then sum(assigned_amount) end as assigned_amount,
        sum(sum(assigned_amount)) over (partition by payment_id) as split_total,
        sum(count(*)) over (partition by payment_id) as split_rows,
        max(decided_at) as decided_at
    from chosen
    group by payment_id, billing_account_id
)

select * from final
