{#-
    One billing run's receivables (billing-rules.md sections 6-7), in the order the run applies them:
      1. reversals undo their payment: the credit it still holds first, then its allocations, newest
         first, reopening the items (anything a reversal cannot undo is negative unapplied cash);
      2. pass 1: the period's payments and the credit carried in pay the open items first-in-first-out
         (written-off items are paid first like any older item: a recovery);
      3. approved write-offs move an account's overdue open items to bad debt (once per approval);
      4. each invoice past due on the bill date gets a late charge on its unpaid amount without
         late charges; the charge becomes part of that invoice's open balance (paid first within it);
      5. pass 2: the period's issued invoice joins the open items and any credit left pays it.
    The state at the end of the run (open items and credits per payment) is this model's own rows
    of row_type open_item and credit, which the next period's run starts from.
    Grain: one row per period, row_type and what it is about (item, payment or both).
-#}

with

payments as (
    select * from {{ ref('int_payments_matched') }}
    where period = {{ period() }}
),

invoices as (
    select * from {{ ref('fct_invoices') }}
    where period = {{ period() }} and status = 'issued' and total_amount <> 0
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

assignment_history as (
    select * from {{ ref('stg_review__payment_assignments') }}
),

write_off_history as (
    select * from {{ ref('stg_review__write_off_decisions') }}
),

{% if is_incremental() %}
    previous_state as (
        select * from {{ this }}
        where period = {{ previous_period(1) }} and row_type in ('open_item', 'credit')
    ),

    reversed_history as (
        select * from {{ this }}
        where
            row_type in ('allocation', 'reversal')
            and invoice_id is not null
            and period < {{ period() }}
            and payment_id in (select payments.reversed_payment_id from payments)
    ),

    applied_write_offs as (
        select source_id from {{ this }}
        where row_type = 'write_off' and period < {{ period() }}
    ),
{% else %}
    previous_state as (
        select
            null::text as period,
            null::text as row_type,
            null::text as account_id,
            null::text as invoice_id,
            null::text as component,
            null::date as due_date,
            null::text as payment_id,
            null::date as event_date,
            null::text as currency,
            null::numeric as amount,
            null::text as funded_from,
            null::text as applied_to,
            null::boolean as is_written_off,
            null::text as source_id
        where false
    ),

    reversed_history as (
        select * from previous_state
    ),

    applied_write_offs as (
        select source_id from previous_state
    ),
{% endif %}

assignments as (
    select distinct on (assignment_history.payment_id)
        assignment_history.payment_id,
        accounts.billing_account_id as account_id
    from assignment_history
    inner join accounts
        on assignment_history.account_id = accounts.account_id
    order by
        assignment_history.payment_id asc, assignment_history.decided_at desc, assignment_history.assignment_id desc
),

write_off_approvals as (
    select
        latest.decision_id::text as decision_id,
        accounts.billing_account_id as account_id
    from (
        select distinct on (account_id) *
        from write_off_history
        order by account_id asc, decided_at desc, decision_id desc
    ) as latest
    inner join accounts
        on latest.account_id = accounts.account_id
    where
        latest.decision = 'approve'
        and latest.decision_id::text not in (select applied_write_offs.source_id from applied_write_offs)
),

-- 1. Reversals --------------------------------------------------------------------------------

credits_in as (
    select
        payment_id,
        account_id,
        event_date as paid_on,
        currency,
        amount,
        'customer_credits' as funded_from
    from previous_state
    where row_type = 'credit'
    union all
    select
        payment_id,
        account_id,
        paid_on,
        currency,
        amount,
        'bank' as funded_from
    from payments
    where entry_kind = 'credit'
),

reversals as (
    select * from payments
    where entry_kind = 'reversal'
),

reversal_pieces as (
    select
        reversals.payment_id as reversal_id,
        reversals.amount as reversal_amount,
        0 as piece_order,
        null::text as last_period,
        credits_in.payment_id,
        credits_in.account_id,
        null::text as invoice_id,
        null::text as component,
        null::date as due_date,
        credits_in.currency,
        credits_in.amount as piece_amount,
        'customer_credits' as applied_to
    from reversals
    inner join credits_in
        on reversals.reversed_payment_id = credits_in.payment_id
    where credits_in.amount > 0
    union all
    select
        reversals.payment_id as reversal_id,
        reversals.amount as reversal_amount,
        1 as piece_order,
        max(history.period) as last_period,
        history.payment_id,
        history.account_id,
        history.invoice_id,
        history.component,
        history.due_date,
        history.currency,
        sum(history.amount) as piece_amount,
        history.applied_to
    from reversals
    inner join reversed_history as history
        on reversals.reversed_payment_id = history.payment_id
    group by
        reversals.payment_id, reversals.amount, history.payment_id, history.account_id, history.invoice_id,
        history.component, history.due_date, history.currency, history.applied_to
    having sum(history.amount) > 0
),

reversal_undos as (
    select
        *,
        least(
            piece_amount,
            greatest(
                reversal_amount - coalesce(sum(piece_amount) over (
                    partition by reversal_id
                    order by piece_order asc, last_period desc, due_date desc, invoice_id desc, component desc
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as undone_amount
    from reversal_pieces
),

reversal_excess as (
    select
        reversals.payment_id as reversal_id,
        reversals.paid_on,
        reversals.currency,
        reversals.amount - coalesce(sum(reversal_undos.undone_amount), 0) as amount
    from reversals
    left join reversal_undos
        on reversals.payment_id = reversal_undos.reversal_id
    group by reversals.payment_id, reversals.paid_on, reversals.currency, reversals.amount
    having reversals.amount - coalesce(sum(reversal_undos.undone_amount), 0) > 0
),

undone_credits as (
    select
        payment_id,
        sum(undone_amount) as amount
    from reversal_undos
    where piece_order = 0
    group by payment_id
),

credits as (
    select
        credits_in.payment_id,
        coalesce(credits_in.account_id, assignments.account_id) as account_id,
        credits_in.paid_on,
        credits_in.currency,
        credits_in.amount - coalesce(undone.amount, 0) as amount,
        credits_in.funded_from
    from credits_in
    left join undone_credits as undone
        on credits_in.payment_id = undone.payment_id
    left join assignments
        on credits_in.account_id is null and credits_in.payment_id = assignments.payment_id
),

reopened as (
    select
        invoice_id,
        component,
        account_id,
        due_date,
        currency,
        sum(undone_amount) as amount
    from reversal_undos
    where piece_order = 1 and undone_amount > 0
    group by invoice_id, component, account_id, due_date, currency
),

items_start as (
    select
        invoice_id,
        component,
        max(account_id) as account_id,
        max(due_date) as due_date,
        max(currency) as currency,
        sum(amount) as amount,
        bool_or(is_written_off) as is_written_off
    from (
        select
            invoice_id,
            component,
            account_id,
            due_date,
            currency,
            amount,
            is_written_off
        from previous_state
        where row_type = 'open_item'
        union all
        select
            invoice_id,
            component,
            account_id,
            due_date,
            currency,
            amount,
            false as is_written_off
        from reopened
    ) as item_rows
    group by invoice_id, component
),

-- 2. Pass 1 -----------------------------------------------------------------------------------

allocations_1 as (
    {{ fifo_allocations('credits', 'items_start') }}
),

paid_1 as (
    select
        invoice_id,
        component,
        sum(amount) as amount
    from allocations_1
    group by invoice_id, component
),

items_after_1 as (
    select
        items_start.invoice_id,
        items_start.component,
        items_start.account_id,
        items_start.due_date,
        items_start.currency,
        items_start.amount - coalesce(paid.amount, 0) as amount,
        items_start.is_written_off
    from items_start
    left join paid_1 as paid
        on items_start.invoice_id = paid.invoice_id and items_start.component = paid.component
),

used_1 as (
    select
        payment_id,
        sum(amount) as amount
    from allocations_1
    group by payment_id
),

credits_after_1 as (
    select
        credits.payment_id,
        credits.account_id,
        credits.paid_on,
        credits.currency,
        credits.amount - coalesce(used.amount, 0) as amount,
        'customer_credits' as funded_from
    from credits
    left join used_1 as used
        on credits.payment_id = used.payment_id
),

-- 3. Write-offs -------------------------------------------------------------------------------

write_offs as (
    select
        items_after_1.*,
        write_off_approvals.decision_id
    from items_after_1
    inner join write_off_approvals
        on items_after_1.account_id = write_off_approvals.account_id
    where
        not items_after_1.is_written_off
        and items_after_1.amount > 0
        and items_after_1.due_date < {{ bill_date() }}
),

items_after_write_offs as (
    select
        items_after_1.invoice_id,
        items_after_1.component,
        items_after_1.account_id,
        items_after_1.due_date,
        items_after_1.currency,
        items_after_1.amount,
        items_after_1.is_written_off or write_offs.invoice_id is not null as is_written_off
    from items_after_1
    left join write_offs
        on items_after_1.invoice_id = write_offs.invoice_id and items_after_1.component = write_offs.component
),

-- 4. Late charges -----------------------------------------------------------------------------

late_charges as (
    select
        invoice_id,
        'late_charge' as component,
        account_id,
        due_date,
        currency,
        {{ round_money(policy('late_fee_rate') ~ ' * amount', currency_decimals('currency')) }} as amount,
        false as is_written_off
    from items_after_write_offs
    where
        component = 'charges'
        and not is_written_off
        and amount > 0
        and due_date < {{ bill_date() }}
),

-- 5. Pass 2 -----------------------------------------------------------------------------------

items_before_2 as (
    select
        invoice_id,
        component,
        max(account_id) as account_id,
        max(due_date) as due_date,
        max(currency) as currency,
        sum(amount) as amount,
        bool_or(is_written_off) as is_written_off
    from (
        select * from items_after_write_offs
        union all
        select * from late_charges
        where amount > 0
        union all
        select
            invoice_id,
            'charges' as component,
            account_id,
            due_date,
            currency,
            total_amount as amount,
            false as is_written_off
        from invoices
        where total_amount > 0
    ) as item_rows
    group by invoice_id, component
),

-- A released invoice with a negative total is a credit note: credit for the account.
credits_before_2 as (
    select * from credits_after_1
    union all
    select
        invoice_id as payment_id,
        account_id,
        {{ period_end() }} as paid_on,
        currency,
        -total_amount as amount,
        'customer_credits' as funded_from
    from invoices
    where total_amount < 0
),

open_items_before_2 as (
    select * from items_before_2
    where not is_written_off
),

allocations_2 as (
    {{ fifo_allocations('credits_before_2', 'open_items_before_2') }}
),

-- Rows ----------------------------------------------------------------------------------------

paid_2 as (
    select
        invoice_id,
        component,
        sum(amount) as amount
    from allocations_2
    group by invoice_id, component
),

open_item_rows as (
    select
        'open_item' as row_type,
        items_before_2.account_id,
        items_before_2.invoice_id,
        items_before_2.component,
        items_before_2.due_date,
        null::text as payment_id,
        {{ period_end() }} as event_date,
        items_before_2.currency,
        items_before_2.amount - coalesce(paid.amount, 0) as amount,
        null::text as funded_from,
        null::text as applied_to,
        items_before_2.is_written_off,
        null::text as source_id
    from items_before_2
    left join paid_2 as paid
        on items_before_2.invoice_id = paid.invoice_id and items_before_2.component = paid.component
    where items_before_2.is_written_off or items_before_2.amount - coalesce(paid.amount, 0) > 0
),

used_2 as (
    select
        payment_id,
        sum(amount) as amount
    from allocations_2
    group by payment_id
),

credit_rows as (
    select
        'credit' as row_type,
        credits_before_2.account_id,
        null::text as invoice_id,
        null::text as component,
        null::date as due_date,
        credits_before_2.payment_id,
        credits_before_2.paid_on as event_date,
        credits_before_2.currency,
        credits_before_2.amount - coalesce(used.amount, 0) as amount,
        null::text as funded_from,
        'customer_credits' as applied_to,
        false as is_written_off,
        null::text as source_id
    from credits_before_2
    left join used_2 as used
        on credits_before_2.payment_id = used.payment_id
    where credits_before_2.amount - coalesce(used.amount, 0) <> 0
    union all
    select
        'credit' as row_type,
        null::text as account_id,
        null::text as invoice_id,
        null::text as component,
        null::date as due_date,
        reversal_id as payment_id,
        paid_on as event_date,
        currency,
        -amount as amount,
        null::text as funded_from,
        'customer_credits' as applied_to,
        false as is_written_off,
        null::text as source_id
    from reversal_excess
),

allocation_rows as (
    select
        'allocation' as row_type,
        allocations_1.account_id,
        allocations_1.invoice_id,
        allocations_1.component,
        allocations_1.due_date,
        allocations_1.payment_id,
        case when allocations_1.funded_from = 'bank' then payments.paid_on else {{ period_end() }} end
            as event_date,
        allocations_1.currency,
        allocations_1.amount,
        allocations_1.funded_from,
        case when allocations_1.is_written_off then 'recoveries' else 'accounts_receivable' end as applied_to,
        allocations_1.is_written_off,
        '1' as source_id
    from allocations_1
    left join payments
        on allocations_1.payment_id = payments.payment_id
    union all
    select
        'allocation' as row_type,
        account_id,
        invoice_id,
        component,
        due_date,
        payment_id,
        {{ period_end() }} as event_date,
        currency,
        amount,
        funded_from,
        'accounts_receivable' as applied_to,
        is_written_off,
        '2' as source_id
    from allocations_2
),

-- An undone allocation debits what it credited: receivables, or bad debt if the item has been
-- written off since, or recoveries; an undone credit debits customer credits.
reversal_rows as (
    select
        'reversal' as row_type,
        reversal_undos.account_id,
        reversal_undos.invoice_id,
        reversal_undos.component,
        reversal_undos.due_date,
        reversal_undos.payment_id,
        reversals.paid_on as event_date,
        reversal_undos.currency,
        -reversal_undos.undone_amount as amount,
        'bank' as funded_from,
        case
            when reversal_undos.applied_to = 'accounts_receivable' and items_start.is_written_off
                then 'bad_debt_expense'
            else reversal_undos.applied_to
        end as applied_to,
        coalesce(items_start.is_written_off, false) as is_written_off,
        reversal_undos.reversal_id as source_id
    from reversal_undos
    inner join reversals
        on reversal_undos.reversal_id = reversals.payment_id
    left join items_start
        on reversal_undos.invoice_id = items_start.invoice_id and reversal_undos.component = items_start.component
    where reversal_undos.undone_amount > 0
    union all
    select
        'reversal' as row_type,
        null::text as account_id,
        null::text as invoice_id,
        null::text as component,
        null::date as due_date,
        reversal_id as payment_id,
        paid_on as event_date,
        currency,
        -amount as amount,
        'bank' as funded_from,
        'customer_credits' as applied_to,
        false as is_written_off,
        reversal_id as source_id
    from reversal_excess
),

movement_rows as (
    select
        'invoice' as row_type,
        account_id,
        invoice_id,
        'charges' as component,
        due_date,
        null::text as payment_id,
        {{ period_end() }} as event_date,
        currency,
        total_amount as amount,
        null::text as funded_from,
        case when total_amount > 0 then 'accounts_receivable' else 'customer_credits' end as applied_to,
        false as is_written_off,
        invoice_id as source_id
    from invoices
    union all
    select
        'late_charge' as row_type,
        account_id,
        invoice_id,
        component,
        due_date,
        null::text as payment_id,
        {{ period_end() }} as event_date,
        currency,
        amount,
        null::text as funded_from,
        'accounts_receivable' as applied_to,
        false as is_written_off,
        null::text as source_id
    from late_charges
    where amount > 0
    union all
    select
        'write_off' as row_type,
        account_id,
        invoice_id,
        component,
        due_date,
        null::text as payment_id,
        {{ period_end() }} as event_date,
        currency,
        amount,
        null::text as funded_from,
        'accounts_receivable' as applied_to,
        true as is_written_off,
        decision_id as source_id
    from write_offs
),

all_rows as (
    select * from open_item_rows
    union all
    select * from credit_rows
    union all
    select * from allocation_rows
    union all
    select * from reversal_rows
    union all
    select * from movement_rows
),

final as (
    select
        {{ period() }} as period,
        row_type,
        account_id,
        invoice_id,
        component,
        due_date,
        payment_id,
        event_date,
        currency,
        amount,
        funded_from,
        applied_to,
        is_written_off,
        source_id
    from all_rows
    where {{ period_is_open() }}
)

select * from final
